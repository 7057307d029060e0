from hrddp.models.audit import AuditEntry, AuditEntryIsPermanent
from hrddp.models.engagements import (
    DECIDE,
    PRE_ACTIVE_STATES,
    PREPARE,
    Engagement,
    EngagementGroupObjectPermission,
    EngagementUserObjectPermission,
    State,
)
from hrddp.models.people import GLOBAL_ROLES, Membership, Office, Role, User
from hrddp.models.projects import EXEMPT_ACTIVITY_TYPES, ActivityType, Delivery, Project, SupportActivity
from hrddp.models.recipients import (
    CommandPeriod,
    GovernmentFocalPoint,
    PersonOfInterest,
    Recipient,
    RecipientCategory,
    RecipientLevel,
)

__all__ = [
    "ActivityType",
    "AuditEntry",
    "AuditEntryIsPermanent",
    "CommandPeriod",
    "DECIDE",
    "Delivery",
    "EXEMPT_ACTIVITY_TYPES",
    "Engagement",
    "EngagementGroupObjectPermission",
    "EngagementUserObjectPermission",
    "GLOBAL_ROLES",
    "GovernmentFocalPoint",
    "Membership",
    "Office",
    "PRE_ACTIVE_STATES",
    "PREPARE",
    "PersonOfInterest",
    "Project",
    "Recipient",
    "RecipientCategory",
    "RecipientLevel",
    "Role",
    "State",
    "SupportActivity",
    "User",
]
