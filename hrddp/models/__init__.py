from hrddp.models.audit import AuditEntry, AuditEntryIsPermanent
from hrddp.models.audit_actions import AuditAction
from hrddp.models.engagements import (
    ENDED_STATES,
    PRE_ACTIVE_STATES,
    PREPARING_STATES,
    SUPPORTED_STATES,
    Engagement,
    EngagementGroupObjectPermission,
    EngagementUserObjectPermission,
    State,
    StepBy,
)
from hrddp.models.notifications import Notification, Reminder
from hrddp.models.people import GLOBAL_ROLES, Membership, Office, Role, User
from hrddp.models.projects import EXEMPT_ACTIVITY_TYPES, ActivityType, Delivery, Project, SupportActivity
from hrddp.models.recipients import (
    CommandPeriod,
    GovernmentFocalPoint,
    PersonOfInterest,
    Recipient,
    RecipientCategory,
    RecipientLevel,
    in_subtree,
    persons_of_force,
)

__all__ = [
    "in_subtree",
    "persons_of_force",
    "ActivityType",
    "AuditAction",
    "AuditEntry",
    "AuditEntryIsPermanent",
    "CommandPeriod",
    "Delivery",
    "EXEMPT_ACTIVITY_TYPES",
    "Engagement",
    "EngagementGroupObjectPermission",
    "EngagementUserObjectPermission",
    "GLOBAL_ROLES",
    "GovernmentFocalPoint",
    "Membership",
    "Notification",
    "Reminder",
    "Office",
    "ENDED_STATES",
    "PRE_ACTIVE_STATES",
    "PREPARING_STATES",
    "SUPPORTED_STATES",
    "PersonOfInterest",
    "Project",
    "Recipient",
    "RecipientCategory",
    "RecipientLevel",
    "Role",
    "State",
    "StepBy",
    "SupportActivity",
    "User",
]
