"""What an audit entry records: every action the application writes to the trail, with its label.

The stored value is the action's name (a transition's is the name of its method on Engagement);
the label is what the history, the notices and the admin show. The core names the actions of the
later Actions too (incidents, letters, intercession cases, imports): it imports none of those
apps, and one list lets a test check that no action is written without a label.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # --- Steps of the engagement (its transitions; the labels are also those of the steps' buttons) ---
    START_SCREENING = "start_screening", _("Start screening")
    CONCLUDE_NOT_APPLICABLE = "conclude_not_applicable", _("Conclude: HRDDP not applicable")
    CONCLUDE_APPLICABLE = "conclude_applicable", _("Conclude: HRDDP applies")
    REOPEN_SCREENING = "reopen_screening", _("Reopen the screening")
    PASS_PRECONDITIONS = "pass_preconditions", _("Preconditions met")
    FAIL_PRECONDITIONS = "fail_preconditions", _("Record as ineligible")
    COMPLETE_COORDINATION = "complete_coordination", _("Coordination complete")
    SUBMIT_ASSESSMENT = "submit_assessment", _("Submit the assessment for endorsement")
    RETURN_ASSESSMENT = "return_assessment", _("Return the assessment with comments")
    ENDORSE = "endorse", _("Endorse the assessment")
    ENDORSE_PLAN_STANDS = "endorse_plan_stands", _("Endorse the reassessment: the plan stands")
    DECLINE = "decline", _("Decline: high risk no mitigation can reduce")
    RECONSIDER = "reconsider", _("Reconsider: the recipient has taken measures")
    SUBMIT_PLAN = "submit_plan", _("Submit the plan for approval")
    APPROVE_SUPPORT = "approve_support", _("Approve support")
    RETURN_PLAN = "return_plan", _("Return the plan")
    START_REASSESSMENT = "start_reassessment", _("Start a reassessment")
    CLOSE = "close", _("Close: support ended at project end")
    OPEN_INTERCESSION = "open_intercession", _("Open an intercession")
    RECORD_COURSE_OF_ACTION = "record_course_of_action", _("Record the course of action")
    RESOLVE = "resolve", _("Result A: violations addressed, continue")
    SUSPEND = "suspend", _("Result B: suspend support")
    RESUME = "resume", _("Resume support: violations addressed")
    CEASE = "cease", _("Cease support")
    WITHDRAW_REQUEST = "withdraw_request", _("Withdraw the request")

    # --- Decisions and records that are not state changes ---
    OPEN = "open", _("Opened the request")
    # Actions 1–3: assessments.
    SAVE_SCREENING = "save_screening", _("Saved the screening")
    SAVE_PRECONDITIONS = "save_preconditions", _("Saved the preconditions check")
    SAVE_COORDINATION = "save_coordination", _("Saved the coordination record")
    # Action 5: mitigation.
    SAVE_RISK_ASSESSMENT = "save_risk_assessment", _("Saved the risk assessment's draft")
    SAVE_MITIGATION_PLAN = "save_mitigation_plan", _("Saved the mitigation plan")
    ADD_MEASURES_FROM_CATALOGUE = "add_measures_from_catalogue", _("Added measures from the catalogue")
    SET_INTERVENTION_PROCEDURE = "set_intervention_procedure", _("Recorded the intervention procedure")
    # Action 6: monitoring.
    LOG_INCIDENT = "log_incident", _("Logged an incident")
    UPDATE_INCIDENT = "update_incident", _("Updated an incident")
    GRANT_CONFIDENTIAL_ACCESS = "grant_confidential_access", _("Granted confidential access")
    REVOKE_CONFIDENTIAL_ACCESS = "revoke_confidential_access", _("Withdrew confidential access")
    ENTER_INDICATORS = "enter_indicators", _("Entered the indicators of a quarter")
    # Action 7: letters, intercession cases, exclusions.
    DRAFT_LETTER = "draft_letter", _("Drafted a letter")
    ISSUE_LETTER = "issue_letter", _("Issued a letter")
    RECORD_LETTER_DISPATCH = "record_letter_dispatch", _("Recorded a letter's dispatch")
    UPDATE_CASE_REPORT = "update_case_report", _("Updated the intervention case's report")
    SET_COURSE = "set_course", _("Chose the courses of action")
    SET_SUSPENSION_EVALUATION = "set_suspension_evaluation", _("Evaluated the risks of suspending support")
    SET_SKIP_REASON = "set_skip_reason", _("Recorded why suspension is skipped")
    DETERMINE_GRAVE_VIOLATION = "determine_grave_violation", _("Determined a grave violation on reliable information")
    WITHDRAW_DETERMINATION = "withdraw_determination", _("Withdrew a determination of a grave violation")
    RECORD_INTERCESSION_MADE = "record_intercession_made", _("Recorded the intercession brought to the authorities")
    WRITE_CRITICAL_REPORT = "write_critical_report", _("Wrote the report on a critical difficulty")
    RECORD_GOVERNING_BODY_ADVISED = "record_governing_body_advised", _("Recorded that the governing body was advised")
    EXCLUDE = "exclude", _("Excluded a unit or person")
    LIFT_EXCLUSION = "lift_exclusion", _("Lifted an exclusion")
    # The register: persons of interest, allegations, the accountability record, name screening, its rules.
    SAVE_PERSON = "save_person", _("Saved a person of interest")
    RECORD_ALLEGATION = "record_allegation", _("Recorded an allegation")
    ADD_ALLEGATION_SOURCE = "add_allegation_source", _("Added a source to an allegation")
    CHANGE_ALLEGATION_STATUS = "change_allegation_status", _("Changed an allegation's status")
    RECORD_ACCOUNTABILITY_STEP = "record_accountability_step", _("Recorded a step the authorities took")
    RECORD_SUPPORT_CONTINUATION = "record_support_continuation", _("Recorded why support may go on")
    SCREEN_NAMES = "screen_names", _("Screened a list of names")
    RESOLVE_SCREENING_MATCH = "resolve_screening_match", _("Resolved a possible match")
    FLAG_FOR_REASSESSMENT = "flag_for_reassessment", _("Flagged for reassessment")

    # --- Imports (named "import_<kind>", "import_<kind>_dry_run"; "import" when the kind is unknown) ---
    IMPORT = "import", _("Import")
    IMPORT_RECIPIENTS = "import_recipients", _("Import of recipients")
    IMPORT_RECIPIENTS_DRY_RUN = "import_recipients_dry_run", _("Dry run: import of recipients")
    IMPORT_PERSONS = "import_persons", _("Import of persons of interest")
    IMPORT_PERSONS_DRY_RUN = "import_persons_dry_run", _("Dry run: import of persons of interest")
    IMPORT_INCIDENTS = "import_incidents", _("Import of incidents")
    IMPORT_INCIDENTS_DRY_RUN = "import_incidents_dry_run", _("Dry run: import of incidents")
    IMPORT_ALLEGATIONS = "import_allegations", _("Import of allegations")
    IMPORT_ALLEGATIONS_DRY_RUN = "import_allegations_dry_run", _("Dry run: import of allegations")

    # --- The administration ---
    ADMIN_ADD = "admin_add", _("Added in the administration")
    ADMIN_CHANGE = "admin_change", _("Changed in the administration")
    ADMIN_DELETE = "admin_delete", _("Deleted in the administration")

    # --- The account ---
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere", _("Signed out of every session")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed to sign in")
    LOCKED_OUT = "locked_out", _("Locked out after failed sign-ins")
    ENROL_SECOND_FACTOR = "enrol_second_factor", _("Enrolled a second factor")
    REMOVE_SECOND_FACTOR = "remove_second_factor", _("Removed a second factor")
    GENERATE_RECOVERY_CODES = "generate_recovery_codes", _("Generated recovery codes")
    USE_RECOVERY_CODE = "use_recovery_code", _("Signed in with a recovery code")
    REAUTHENTICATE = "reauthenticate", _("Confirmed their identity again")
    REVOKE_SESSION = "revoke_session", _("Ended a session")

    # --- The API ---
    CREATE_API_TOKEN = "create_api_token", _("Created an API token")
    REVOKE_API_TOKEN = "revoke_api_token", _("Revoked an API token")

    # --- Evidence and discussion on a case ---
    ADD_EVIDENCE_FILE = "add_evidence_file", _("Added an evidence file")
    REMOVE_EVIDENCE_FILE = "remove_evidence_file", _("Withdrew an evidence file")
    ADD_COMMENT = "add_comment", _("Commented")
    EDIT_COMMENT = "edit_comment", _("Edited a comment")
