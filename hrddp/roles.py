"""What each role may do, in one place.

Each role is a Django group holding these model permissions (which drive the
admin), and the same table answers which engagement transitions a role may
take in the offices where the user holds it.
"""

from hrddp.models import Role

_DOMAIN_MODELS = [
    "hrddp.office", "hrddp.membership", "hrddp.recipient", "hrddp.personofinterest", "hrddp.commandperiod",
    "hrddp.governmentfocalpoint", "hrddp.project", "hrddp.supportactivity", "hrddp.engagement",
    "assessments.screening", "assessments.preconditionscheck", "assessments.coordinationrecord",
    "assessments.riskassessment", "assessments.assessmentelement", "assessments.citedsource", "assessments.riskfactor",
    "mitigation.mitigationplan", "mitigation.mitigationmeasure",
    "monitoring.incident", "monitoring.indicatormeasurement",
    "mitigation.interventionprocedure", "interventions.letter", "interventions.interventioncase",
    "interventions.exclusion",
]

# The records a project manager fills in (add and change).
_PM_EDITS = [
    "hrddp.recipient", "hrddp.personofinterest", "hrddp.commandperiod", "hrddp.governmentfocalpoint",
    "hrddp.project", "hrddp.supportactivity",
    "assessments.screening", "assessments.preconditionscheck", "assessments.coordinationrecord",
    "assessments.riskassessment", "assessments.assessmentelement", "assessments.citedsource", "assessments.riskfactor",
    "mitigation.mitigationplan", "mitigation.mitigationmeasure",
    "monitoring.incident", "monitoring.indicatormeasurement",
    "mitigation.interventionprocedure",
]


def _perm(model_label: str, action: str) -> str:
    app, model = model_label.split(".")
    return f"{app}.{action}_{model}"


_VIEW_ALL = {_perm(m, "view") for m in _DOMAIN_MODELS}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.PROJECT_MANAGER: _VIEW_ALL
    | {_perm(m, a) for m in _PM_EDITS for a in ("add", "change")}
    | {"hrddp.add_engagement", "hrddp.change_engagement", "hrddp.prepare_engagement", "hrddp.view_auditentry"}
    | {"hrddp.export_lists", "hrddp.import_records"},
    Role.CHIEF_OF_MISSION: _VIEW_ALL
    | {"hrddp.decide_engagement", "hrddp.view_auditentry", "interventions.change_interventioncase"}
    | {"hrddp.export_lists"},
    Role.REGIONAL_SPECIALIST: _VIEW_ALL | {"hrddp.view_auditentry", "hrddp.export_lists"},
    # HQ and auditors read every office and take lists out; they bring nothing in.
    Role.HQ_HUMAN_RIGHTS: _VIEW_ALL | {"hrddp.view_auditentry", "hrddp.export_lists"},
    Role.AUDITOR: _VIEW_ALL | {"hrddp.view_auditentry", "hrddp.view_audit_trail", "hrddp.export_lists"},
}

GROUP_NAMES = {role.value: role.label for role in Role}


def role_may(role: str, codename: str) -> bool:
    """Whether a role carries an engagement permission such as 'decide_engagement'."""
    return f"hrddp.{codename}" in ROLE_PERMISSIONS.get(role, set())
