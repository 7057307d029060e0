from hrddp.access import may_import, may_read_audit_trail, sees_every_office
from hrddp.notify import background_delay_notice, unread_count
from hrddp.queue import background_delayed


def inbox(request):
    """The unread count in the header, and whether background work is delayed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    delayed = background_delayed()
    return {
        "unread_notifications": unread_count(user),
        "background_delayed": delayed,
        "background_delay_notice": background_delay_notice() if delayed else "",
        "sees_every_office": sees_every_office(user),
        "may_import": may_import(user),
        "may_read_audit_trail": may_read_audit_trail(user),
    }
