"""What monitoring tells whoever listens, inside the writer's transaction.

`incidents_graded_grave(sender=Incident, incidents, by)`: sent once the incidents are written (and their
audit entries), for those that now give substantial grounds of a grave violation and did not before (logged so,
changed so, or moved to another recipient while so; imports send it for the incidents they create). The
incident's own engagement is escalated by monitoring.escalation; the register listens to flag the other
engagements that support the same unit (P¶25)."""

from django.dispatch import Signal

incidents_graded_grave = Signal()
