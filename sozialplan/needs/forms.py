"""Forms of the Bedarfsanalyse: the selectors of a Handlungsfeld page, the gap register's filter, decisions.

GET forms are bound to the query string; an unknown code (Zielgruppe,
Angebotsart, Verkehrsmittel, Status, Handlungsfeld) is a German form error,
never a 500. POST forms carry the planner's decision on a gap and comments.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sozialplan.catalog.models import ActionField
from sozialplan.needs.models import GapStatus, Mode
from sozialplan.offerings.forms import KernFormMixin

#: Query values longer than this are refused before any lookup (codes are short slugs).
MAX_CODE_LENGTH = 80
#: The mode shown when the query names none: the one the gap rule uses.
DEFAULT_MODE = Mode.CAR


def shortened(data: dict[str, str]) -> dict[str, str]:
    """Query values cut to :data:`MAX_CODE_LENGTH` characters: no valid code is longer, error messages stay short."""
    return {name: value[:MAX_CODE_LENGTH] for name, value in data.items()}


def _choice(field: forms.Field) -> forms.ChoiceField:
    assert isinstance(field, forms.ChoiceField)
    return field


class CategoryForm(KernFormMixin, forms.Form):
    """``?zielgruppe=<code>&art=<code>&verkehrsmittel=walk|car`` of a Handlungsfeld page.

    ``targets``: (code, label) of the Zielgruppen computed for the
    Handlungsfeld; ``offer_types``: (code, name) of the offer types present in
    it (empty choice: all offers of the category).
    """

    zielgruppe = forms.ChoiceField(label=_("Zielgruppe"))
    art = forms.ChoiceField(label=_("Angebotsart"), required=False)
    verkehrsmittel = forms.ChoiceField(label=_("Verkehrsmittel"), choices=Mode.choices)

    def __init__(
        self, data: dict[str, str], *, targets: list[tuple[str, str]], offer_types: list[tuple[str, str]]
    ) -> None:
        defaults = {"verkehrsmittel": DEFAULT_MODE.value}
        if targets:
            defaults["zielgruppe"] = targets[0][0]
        super().__init__({**defaults, **shortened(data)})
        _choice(self.fields["zielgruppe"]).choices = targets
        _choice(self.fields["art"]).choices = [("", _("alle Angebotsarten")), *offer_types]
        for name in ("zielgruppe", "art", "verkehrsmittel"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "„%(value)s“ gibt es hier nicht; bitte aus der Liste wählen."
            )
        self.style_fields()


#: Orders of the gap register (``?sortierung=``): by severity (the default), or by the share of the
#: Zielgruppe affected × shortfall × pressure, which lets small groups (Hochbetagte) rise.
SORT_SEVERITY = "schwere"
SORT_SHARE = "anteil"


class GapFilterForm(KernFormMixin, forms.Form):
    """Filters of the gap register: status, Handlungsfeld, Zielgruppe, old gaps too, and the order."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    hf = forms.TypedChoiceField(label=_("Handlungsfeld"), required=False, coerce=int, empty_value=None)
    zielgruppe = forms.ChoiceField(label=_("Zielgruppe"), required=False)
    sortierung = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            (SORT_SEVERITY, _("nach Schweregrad (betroffene Personen)")),
            (SORT_SHARE, _("nach Anteil der Betroffenen an der Zielgruppe")),
        ],
        help_text=_(
            "Anteil: betroffener Anteil der Zielgruppe × Unterversorgung × demografischer Druck – so kommen auch "
            "kleine Gruppen wie Hochbetagte nach oben."
        ),
    )
    alle = forms.BooleanField(label=_("auch nicht mehr berechnete Lücken zeigen"), required=False)

    def __init__(self, data: dict[str, str], *, targets: list[tuple[str, str]]) -> None:
        super().__init__(shortened(data))
        _choice(self.fields["status"]).choices = [
            ("", _("offen und bestätigt")),
            ("alle", _("alle")),
            *GapStatus.choices,
        ]
        _choice(self.fields["hf"]).choices = [
            ("", _("alle")),
            *[(str(f.code), f"{f.code} – {f.short_name}") for f in ActionField.objects.order_by("code")],
        ]
        _choice(self.fields["zielgruppe"]).choices = [("", _("alle")), *targets]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("„%(value)s“ gibt es hier nicht; bitte aus der Liste wählen.")
        self.style_fields()

    @property
    def by_share(self) -> bool:
        """Whether the (valid) form asks for the order by the share of the Zielgruppe affected."""
        return self.is_valid() and self.cleaned_data.get("sortierung") == SORT_SHARE


class DecisionForm(KernFormMixin, forms.Form):
    """Confirm, dismiss (reason required) or reopen a gap."""

    status = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[
            (GapStatus.CONFIRMED.value, _("bestätigen")),
            (GapStatus.DISMISSED.value, _("verwerfen")),
            (GapStatus.OPEN.value, _("wieder öffnen")),
        ],
        error_messages={
            "required": _("Bitte wählen Sie eine Entscheidung."),
            "invalid_choice": _("Diese Entscheidung gibt es nicht."),
        },
    )
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pflicht beim Verwerfen; erscheint im Protokoll."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        reason = str(cleaned.get("reason") or "").strip()
        cleaned["reason"] = reason
        if cleaned.get("status") == GapStatus.DISMISSED and not reason:
            self.add_error("reason", _("Bitte begründen Sie, warum Sie die Lücke verwerfen."))
        return cleaned


class CommentForm(KernFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Kommentar"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte schreiben Sie einen Kommentar.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("Bitte schreiben Sie einen Kommentar."))
        return text


class RecomputeForm(KernFormMixin, forms.Form):
    reason = forms.CharField(label=_("Anlass"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
