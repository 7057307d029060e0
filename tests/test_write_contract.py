"""Every write goes through a service: no view, form or template tag module writes a model itself.

A service `<entity>_<action>(*, by, ...)` checks the user's role and the engagement's stage and writes
its audit entry in the same transaction; a page that saved a form or updated a queryset would skip all
three. So the modules that face requests (views*.py, forms*.py, templatetags/) call none of the model
write methods below, on a model, a manager, a queryset or a form. The scan reads the code (ast), it
does not run it: a call is named by its method, whatever it is called on, except a dict's update
(it takes positional arguments, or is called on a name bound to a dict in the same function).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITES = {
    "save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create",
}
NOT_APPS = {"tests", "tools", "benchmarks", "config", "bin", "static", "templates"}

# Calls known to break the rule, each (path, line, call) until it is moved into a service.
ALLOWED: set[tuple[str, int, str]] = set()


def _request_facing_modules() -> list[Path]:
    modules = []
    for app in sorted(p for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in NOT_APPS):
        for path in sorted(app.rglob("*.py")):
            relative = path.relative_to(app)
            if "migrations" in relative.parts:
                continue
            if path.name.startswith(("views", "forms")) or "templatetags" in relative.parts:
                modules.append(path)
    return modules


def _own_nodes(scope: ast.AST):
    """The nodes of a module or function, without those of the functions defined inside it (scopes of their own)."""
    pending = list(ast.iter_child_nodes(scope))
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            pending.extend(ast.iter_child_nodes(node))


def _dict_names(scope: ast.AST) -> set[str]:
    """Names a scope binds to a dict ({...}, dict(...), a dict comprehension)."""
    names = set()
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            value = node.value
            is_dict = isinstance(value, ast.Dict | ast.DictComp) or (
                isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
            )
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if is_dict:
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _writes(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    for scope in scopes:
        dicts = _dict_names(scope)
        for node in _own_nodes(scope):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in WRITES:
                continue
            receiver = node.func.value
            if node.func.attr == "update" and (
                node.args or (isinstance(receiver, ast.Name) and receiver.id in dicts)
            ):
                continue  # a dict's update: QuerySet.update takes keyword arguments only
            found.append((node.lineno, ast.unparse(node.func)))
    return sorted(found)


def test_no_view_form_or_template_tag_module_writes_a_model():
    found = {
        (path.relative_to(ROOT).as_posix(), line, call)
        for path in _request_facing_modules()
        for line, call in _writes(path)
    }

    unexpected = sorted(found - ALLOWED)
    assert not unexpected, "Write through a service (<entity>_<action>(*, by, ...)), not from the page:\n" + "\n".join(
        f"  {path}:{line}  {call}()" for path, line, call in unexpected
    )


def test_every_allowed_call_is_still_there():
    """An allowed call that moved or went stays allowed nowhere: remove it from ALLOWED."""
    found = {
        (path.relative_to(ROOT).as_posix(), line, call)
        for path in _request_facing_modules()
        for line, call in _writes(path)
    }

    gone = sorted(ALLOWED - found)
    assert not gone, "No longer found (moved into a service?): remove from ALLOWED:\n" + "\n".join(
        f"  {path}:{line}  {call}()" for path, line, call in gone
    )


def test_the_scan_sees_the_writes_it_forbids(tmp_path):
    """The scan itself: a queryset's, a manager's and a form's writes are found; a dict's update is not."""
    module = tmp_path / "views.py"
    module.write_text(
        "def page(request, form, notes):\n"
        "    context = {}\n"
        "    context.update(a=1)\n"
        "    context.update({'b': 2})\n"
        "    form.save()\n"
        "    notes.update(read_at=None)\n"
        "    Plan.objects.get_or_create(engagement=1)\n"
        "    request.user.save(update_fields=['session_salt'])\n",
        encoding="utf-8",
    )

    assert _writes(module) == [
        (5, "form.save"), (6, "notes.update"), (7, "Plan.objects.get_or_create"), (8, "request.user.save"),
    ]
