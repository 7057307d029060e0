"""Imports go one way (core <- assessments <- mitigation <- monitoring <- interventions <- the top), and no two
files import each other in a loop: tools/check_imports.py holds the tree to its baseline, which only shrinks."""

from pathlib import Path

from tools.check_imports import check, scan


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_code_has_no_import_against_the_direction_or_cycle_beyond_the_baseline():
    report = check()

    assert report.new == [], "imports against the direction or in a cycle, not in tools/import_baseline.txt"
    assert report.stale == [], "baseline lines that no longer occur: remove them from tools/import_baseline.txt"


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


def test_the_baseline_allows_what_it_lists_and_fails_on_what_is_new_or_gone(tmp_path):
    root = _tree(tmp_path / "tree", {
        "hrddp/__init__.py": "",
        "hrddp/guards.py": "from monitoring.models import Incident\n",
        "monitoring/__init__.py": "",
        "monitoring/models.py": "",
    })
    baseline = tmp_path / "baseline.txt"

    baseline.write_text("# today\nhrddp/guards.py:monitoring.models\n")
    assert check(root, baseline).ok

    baseline.write_text("")
    assert check(root, baseline).new == ["hrddp/guards.py:monitoring.models"]

    baseline.write_text("hrddp/guards.py:monitoring.models\nhrddp/forms.py:interventions.exclusions\n")
    report = check(root, baseline)
    assert report.stale == ["hrddp/forms.py:interventions.exclusions"]
    assert not report.ok
