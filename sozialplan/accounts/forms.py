"""The login form, with a limit on failed attempts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sozialplan.accounts import throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Benutzername oder Passwort ist falsch."),
        "too_many": _("Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie 15 Minuten und versuchen Sie es erneut."),
    }

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        if self.request is not None and throttle.is_blocked(self.request, username):
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.request is not None:
                throttle.note_failure(self.request, username)
            raise
        if self.request is not None:
            throttle.reset(self.request, username)
        return cleaned
