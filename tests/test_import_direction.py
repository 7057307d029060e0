"""Imports go one way (core <- assessments <- mitigation <- monitoring <- interventions <- the top), and no two
files import each other in a loop, at any depth of a function: tools/check_imports.py fails on any one."""

from pathlib import Path

from tools.check_imports import scan


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_code_has_no_import_against_the_direction_and_no_cycle_between_files():
    report = scan()

    assert [imp.key for imp, _, _ in report.against_direction] == [], "imports against the direction"
    assert report.cycles == [], "files that import each other in a loop"
    assert report.ok


def test_an_upward_import_is_found_at_module_level_and_inside_a_function(tmp_path):
    root = _tree(tmp_path, {
        "hrddp/__init__.py": "",
        "hrddp/models.py": "import os\nfrom django.db import models\n",
        "hrddp/guards.py": "def ok(engagement):\n    from monitoring.models import Incident\n    return Incident\n",
        "hrddp/views.py": "from interventions import letters\n",
        "monitoring/__init__.py": "",
        "monitoring/models.py": "from hrddp.models import models\n",
        "interventions/__init__.py": "",
        "interventions/letters.py": "from monitoring.models import *\nfrom hrddp import models\n",
        "interventions/migrations/0001_initial.py": "from portfolio import anything\n",
        "interventions/tests/test_x.py": "from portfolio import anything\n",
    })

    report = scan(root)

    found = {(imp.file, imp.line, imp.module, source, target) for imp, source, target in report.against_direction}
    assert found == {
        ("hrddp/guards.py", 2, "monitoring.models", "hrddp", "monitoring"),
        ("hrddp/views.py", 1, "interventions.letters", "hrddp", "interventions"),
    }
    assert report.cycles == []


def test_apps_in_the_same_top_layer_are_independent_and_config_may_import_anything(tmp_path):
    root = _tree(tmp_path, {
        "portfolio/__init__.py": "",
        "portfolio/views.py": "from imports.views import upload\n",
        "imports/__init__.py": "",
        "imports/views.py": "def upload():\n    pass\n",
        "config/__init__.py": "",
        "config/urls.py": "from portfolio import views\nfrom imports import views as import_views\n",
        "hrddp/__init__.py": "",
        "hrddp/demo.py": "from portfolio.views import upload\n",
        "hrddp/services.py": "from hrddp.demo import demo_load\n",
    })

    found = {(imp.file, source, target) for imp, source, target in scan(root).against_direction}

    assert found == {("portfolio/views.py", "portfolio", "imports"), ("hrddp/demo.py", "demo", "portfolio"),
                     ("hrddp/services.py", "hrddp", "demo")}


def test_a_cycle_between_files_is_found_through_a_function_local_import(tmp_path):
    root = _tree(tmp_path, {
        "hrddp/__init__.py": "",
        "hrddp/notify.py": "from hrddp import queue\n",
        "hrddp/queue.py": "from . import tasks\n",
        "hrddp/tasks.py": "def send():\n    from hrddp.notify import deliver\n",
        "hrddp/models.py": "from hrddp import notify\n",
    })

    report = scan(root)

    assert report.cycles == [["hrddp/notify.py", "hrddp/queue.py", "hrddp/tasks.py"]]
    assert {imp.key for imp in report.cycle_imports} == {
        "hrddp/notify.py:hrddp.queue", "hrddp/queue.py:hrddp.tasks", "hrddp/tasks.py:hrddp.notify",
    }


def test_one_upward_import_fails_the_check(tmp_path):
    root = _tree(tmp_path / "tree", {
        "hrddp/__init__.py": "",
        "hrddp/guards.py": "from monitoring.models import Incident\n",
        "monitoring/__init__.py": "",
        "monitoring/models.py": "",
    })

    report = scan(root)

    assert not report.ok
    assert report.keys == {"hrddp/guards.py:monitoring.models"}
