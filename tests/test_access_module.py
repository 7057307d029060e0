"""Every "may this user see / do this" question is answered by hrddp.access: no view defines its own
engagement helper, no code outside it names a permission codename, and its one view helper returns the
engagement (404 for outsiders) with the user's permissions on it."""

import ast
import re
from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory
from guardian.shortcuts import assign_perm

from hrddp import access

ROOT = Path(__file__).resolve().parent.parent
ACCESS = Path("hrddp/access.py")
# The access module also maps the roles onto the permissions; the models' Meta declares them (so do the migrations).
DECLARING = {ACCESS}
CODENAMES = {
    "prepare_engagement", "decide_engagement", "view_confidential", "export_lists", "import_records",
    "view_audit_trail", "view_engagement",
}
LITERALS = CODENAMES | {f"hrddp.{name}" for name in CODENAMES}
# Django's own model permissions, e.g. "interventions.change_interventioncase".
MODEL_PERMISSION = re.compile(r"^[a-z_]+\.(add|change|delete|view)_[a-z]+$")
CONSTANTS = {"PREPARE", "DECIDE", "CONFIDENTIAL", "EXPORT", "IMPORT", "CONFIDENTIAL_PERM"}
SKIPPED_DIRS = {"tests", "migrations", ".venv", "node_modules", "var", ".git", "static", "templates"}


def _source_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts[:-1]):
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))


def _meta_permission_strings(tree) -> set[int]:
    """The ids of the string nodes inside a model's `class Meta: permissions = [...]` (a declaration)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Meta":
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == "permissions" for target in statement.targets
                ):
                    found |= {id(n) for n in ast.walk(statement.value) if isinstance(n, ast.Constant)}
    return found


def test_the_source_is_found():
    files = {path for path, _ in _source_files()}
    assert ACCESS in files and Path("monitoring/views.py") in files and Path("interventions/views_letters.py") in files


def test_no_view_defines_its_own_engagement_helper():
    offending = [
        f"{path}:{node.lineno}"
        for path, tree in _source_files()
        if path != ACCESS
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "_engagement"
    ]
    assert offending == []


def test_no_permission_codename_is_written_outside_the_access_module():
    offending = []
    for path, tree in _source_files():
        if path in DECLARING:
            continue
        declared = _meta_permission_strings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in declared:
                continue
            if node.value in LITERALS or MODEL_PERMISSION.match(node.value):
                offending.append(f"{path}:{node.lineno} {node.value!r}")
    assert offending == []


def test_no_permission_constant_is_defined_outside_the_access_module():
    offending = []
    for path, tree in _source_files():
        if path == ACCESS:
            continue
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            offending += [
                f"{path}:{node.lineno} {t.id}" for t in targets if isinstance(t, ast.Name) and t.id in CONSTANTS
            ]
    assert offending == []


def test_only_the_access_module_reads_or_writes_object_permissions():
    offending = []
    for path, tree in _source_files():
        if path == ACCESS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "guardian.shortcuts":
                offending.append(f"{path}:{node.lineno}")
    assert offending == []


# --- The view helper ----------------------------------------------------------------------------------


def _for(user, engagement, **kwargs):
    request = RequestFactory().get("/")
    request.user = user
    return access.engagement_for_request(request, engagement.pk, **kwargs)


def _answers(perms):
    return {
        "prepare": perms.may_prepare, "decide": perms.may_decide, "confidential": perms.may_see_confidential,
        "draft": perms.may_draft_letter, "issue": perms.may_issue_letter, "dispatch": perms.may_record_letter_dispatch,
    }


def test_the_owner_prepares_and_does_not_decide(pm, engagement):
    perms = _for(pm, engagement)
    assert perms.engagement == engagement
    assert _answers(perms) == {
        "prepare": True, "decide": False, "confidential": False, "draft": True, "issue": False, "dispatch": True,
    }


def test_the_colleague_decides_and_does_not_prepare(com, engagement):
    assert _answers(_for(com, engagement)) == {
        "prepare": False, "decide": True, "confidential": False, "draft": False, "issue": True, "dispatch": True,
    }


def test_an_outsider_finds_nothing(outsider, engagement):
    with pytest.raises(Http404):
        _for(outsider, engagement)


@pytest.mark.parametrize("who", ["hq", "auditor"])
def test_hq_and_auditors_see_every_office_and_act_on_none(who, request, engagement, engagement_b):
    user = request.getfixturevalue(who)
    for each in (engagement, engagement_b):
        perms = _for(user, each)
        assert perms.engagement == each
        assert not any(_answers(perms).values())


def test_a_grant_holder_sees_the_one_engagement_granted_and_does_what_it_grants(outsider, engagement):
    assign_perm("hrddp.view_engagement", outsider, engagement)
    perms = _for(outsider, engagement)
    assert perms.engagement == engagement
    assert not any(_answers(perms).values())

    assign_perm("hrddp.view_confidential", outsider, engagement)
    assign_perm("hrddp.decide_engagement", outsider, engagement)
    assert _answers(_for(outsider, engagement)) == {
        "prepare": False, "decide": True, "confidential": True, "draft": False, "issue": True, "dispatch": True,
    }


def test_the_queryset_carries_the_pages_own_joins(pm, engagement, django_assert_num_queries):
    from hrddp.models import Engagement

    perms = _for(pm, engagement, queryset=Engagement.objects.select_related("office"))
    with django_assert_num_queries(0):
        assert perms.engagement.office.name == "Office A"


def test_each_answer_is_worked_out_once(outsider, engagement, django_assert_max_num_queries):
    # A grant is read from the database; asking again is free.
    assign_perm("hrddp.view_engagement", outsider, engagement)
    perms = _for(outsider, engagement)
    _answers(perms)
    with django_assert_max_num_queries(0):
        _answers(perms)


def test_a_refusal_is_forbidden(com, engagement):
    from django.core.exceptions import PermissionDenied

    perms = _for(com, engagement)
    perms.require_decide()
    with pytest.raises(PermissionDenied):
        perms.require_prepare()
