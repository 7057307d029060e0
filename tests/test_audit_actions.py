"""Every action the code writes to the audit trail is an AuditAction, so that the history shows it with a label.

The scan reads the source: every `action=` argument (a string, an f-string over the kinds of import, or
an AuditAction member) and the actions that the portfolio reads by name; a new action written without
its member and label in hrddp.models.AuditAction fails here."""

import ast
import string
from pathlib import Path

import pytest

from hrddp.lifecycle import all_transitions
from hrddp.models import AuditAction, AuditEntry
from imports.importers import IMPORTERS

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {"tests", "migrations", ".venv", "node_modules", "var", ".git", "static", "templates", "tools"}
# Calls whose `action=` is not an audit action.
NOT_AUDIT = {"add_argument"}


def _source_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts[:-1]):
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _values(node: ast.expr) -> list[str] | None:
    """The action values an `action=` expression may take, or None when it names none by itself (a variable)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "AuditAction":
        return [getattr(AuditAction, node.attr).value]
    if isinstance(node, ast.IfExp):
        return [*(_values(node.body) or []), *(_values(node.orelse) or [])]
    if isinstance(node, ast.JoinedStr):
        # The imports name their actions after the kind of import: "import_<kind>", "import_<kind>_dry_run".
        template = "".join(
            part.value if isinstance(part, ast.Constant) else "{kind}" for part in node.values
        )
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        assert fields == {"kind"} and template.startswith("import_"), f"an action built as {template!r}"
        return [template.format(kind=kind) for kind in IMPORTERS]
    return None


def _written_actions() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, tree in _source_files():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _call_name(node) in NOT_AUDIT:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    for value in _values(keyword.value) or []:
                        found.setdefault(value, []).append(f"{path}:{node.lineno}")
    return found


def test_the_scan_finds_the_actions_of_every_later_app():
    places = {place.split(":")[0].split("/")[0] for places in _written_actions().values() for place in places}
    assert {"hrddp", "monitoring", "interventions", "imports", "portfolio"} <= places


def test_every_action_written_or_read_by_name_is_an_audit_action():
    unknown = {value: places for value, places in _written_actions().items() if value not in AuditAction.values}
    assert unknown == {}, "add these to hrddp.models.AuditAction, with their labels"


def test_every_step_is_an_audit_action_labelled_as_its_button():
    for info in all_transitions():
        assert info.name in AuditAction.values, info.name
        assert info.label == AuditAction(info.name).label, info.name


def test_the_decisions_the_portfolio_follows_are_audit_actions():
    from portfolio.period_figures import DECISIONS
    from portfolio.queries import EVENTS

    assert {action for action, _ in DECISIONS} | set(EVENTS) <= set(AuditAction.values)


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("approve_support", "Approve support"),
        ("open", "Opened the request"),
        ("log_incident", "Logged an incident"),
        ("import_incidents_dry_run", "Dry run: import of incidents"),
        # An action no longer written keeps its name, in words.
        ("reassign_owner", "Reassign owner"),
    ],
)
def test_an_entry_is_shown_with_its_actions_label(action, label):
    assert AuditEntry(action=action).action_label == label
