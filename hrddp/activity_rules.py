"""Where a new support activity may go: to the engagement's recipient or one of its commands or units, and
nowhere a later Action has closed (Action 7 excludes units, T/Box 7).

The core checks the recipient's lineage itself; a later Action lays its own rule on the target from its
AppConfig.ready(), so the core imports none of them and data flows one way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

# rule(target, engagement) -> why no new activity of `engagement` (None: not yet opened) may go to this recipient,
# in a project manager's words; or None.
TargetRule = Callable[[object, object], "str | None"]
_rules: dict[str, TargetRule] = {}


def activity_target_rule_attach(app_label: str, rule: TargetRule) -> None:
    """Refuse new activities aimed where `rule` says; called once from an app's ready()."""
    _rules[app_label] = rule


def activity_target_refusal(target, engagement=None) -> str | None:
    """Why no new activity (of `engagement`, when it exists) may go to `target` (a recipient), or None when it may."""
    for rule in _rules.values():
        why = rule(target, engagement)
        if why:
            return why
    return None


def activity_target_check(*, engagement, target_unit) -> None:
    """Refuse (ValidationError) a new activity aimed outside the recipient, or where a rule forbids."""
    recipient = engagement.recipient
    if target_unit is not None and recipient.pk not in {r.pk for r in target_unit.lineage()}:
        raise ValidationError(f"The activity must go to {recipient} or one of its commands or units.")
    why = activity_target_refusal(target_unit or recipient, engagement)
    if why:
        raise ValidationError(why)
