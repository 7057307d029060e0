"""What the register tells whoever listens, inside the writer's transaction.

`allegation_status_changed(sender=Allegation, allegation, from_status, to_status, by)`: sent by
register.services.allegation_status_change after the change and its audit entry are written, so that the
register's alerts (an allegation against a current commander substantiated, P¶25) run in the same transaction."""

from django.dispatch import Signal

allegation_status_changed = Signal()
