from hrddp.models.audit import AuditEntry, AuditEntryIsPermanent
from hrddp.models.engagements import (
    CONFIDENTIAL,
    DECIDE,
    EXPORT,
    IMPORT,
    PRE_ACTIVE_STATES,
    PREPARE,
    Engagement,
    EngagementGroupObjectPermission,
    EngagementUserObjectPermission,
    State,
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
)

__all__ = [
    "CONFIDENTIAL",
    "ActivityType",
    "AuditEntry",
    "AuditEntryIsPermanent",
    "CommandPeriod",
    "DECIDE",
    "Delivery",
    "EXEMPT_ACTIVITY_TYPES",
    "EXPORT",
    "IMPORT",
    "Engagement",
    "EngagementGroupObjectPermission",
    "EngagementUserObjectPermission",
    "GLOBAL_ROLES",
    "GovernmentFocalPoint",
    "Membership",
    "Notification",
    "Reminder",
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
