from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrddp.forms import DateField


def _in_ninety_days():
    return timezone.localdate() + timedelta(days=90)


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What will use it, e.g. “Mission reporting tool, nightly sync”.")
    )
    expires_on = DateField(
        label=_("Expires on"), initial=_in_ninety_days, help_text=_("A year from today at most."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
