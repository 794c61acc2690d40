"""The Zeitpläne part of the offer form: one ``ScheduleForm`` per row in an inline formset.

The forms only read what a person typed; they never change a ``Schedule``
(saving is ``offerings.services``' business, which checks everything again).
``schedule_rows`` turns a valid formset into the complete list of Zeitpläne
the offer shall have. An empty extra row is ignored; a row marked "löschen"
is left out of the list, so the service deletes it.

For a Träger whose change proposal is still open, ``proposed`` shows the
proposal's Zeitpläne instead of the published ones (as the rest of the form
shows the proposal's values), so that saving again keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sozialplan.offerings.forms import KernFormMixin
from sozialplan.offerings.models import Offering, Schedule
from sozialplan.offerings.schedules import (
    FREQ_CHOICES,
    FREQ_LABELS,
    MAX_SCHEDULES,
    SCHEDULE_FIELDS,
    WEEKDAY_CODES,
    WEEKDAYS,
    ScheduleData,
    join_weekdays,
    row_errors,
    weekday_codes,
)

#: The formset's prefix in POST data ("schedules-0-freq", …).
PREFIX = "schedules"


class ScheduleForm(KernFormMixin, forms.ModelForm[Schedule]):
    """One Zeitplan: rhythm, weekdays (checkboxes Mo–So), times, validity and a note."""

    freq = forms.ChoiceField(label=_("Rhythmus"), choices=FREQ_CHOICES, required=False)
    byday = forms.MultipleChoiceField(
        label=_("Wochentage"),
        choices=[(code, short) for code, short, _long in WEEKDAYS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Schedule
        fields = list(SCHEDULE_FIELDS)
        labels = {"description": _("Hinweis")}
        help_texts = {
            "opens_at": _("Uhrzeit, z. B. 09:00"),
            "closes_at": _("Uhrzeit, z. B. 12:00"),
            "valid_from": _("leer lassen, wenn der Zeitplan schon gilt"),
            "valid_to": _("leer lassen, wenn kein Ende bekannt ist"),
            "description": _("z. B. „jeden 1. Donnerstag im Monat“ oder „nicht in den Schulferien“"),
        }
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A stored row may hold values the choices lack (HSDS import: DAILY, "1MO"); offer them too,
        # so that editing another field of the row keeps them.
        freq = self.initial.get("freq") or ""
        freq_field = self.fields["freq"]
        assert isinstance(freq_field, forms.ChoiceField)
        if freq and freq not in dict(FREQ_CHOICES):
            freq_field.choices = [*FREQ_CHOICES, (freq, FREQ_LABELS.get(freq, freq))]
        days = self.initial.get("byday")
        codes = weekday_codes(days) if isinstance(days, str) else list(days or [])
        self.initial["byday"] = codes
        day_field = self.fields["byday"]
        assert isinstance(day_field, forms.MultipleChoiceField)
        extra = [c for c in codes if c not in WEEKDAY_CODES]
        if extra:
            day_field.choices = [*((code, short) for code, short, _long in WEEKDAYS), *((c, c) for c in extra)]
        self.style_fields()

    def clean_byday(self) -> str:
        """The chosen weekdays as ``byday`` text, Monday first ("MO,TH")."""
        return join_weekdays(self.cleaned_data.get("byday") or [])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        existing = self.instance if self.instance.pk is not None else None
        for name, message in row_errors(cleaned_row(cleaned, existing), existing).items():
            self.add_error(None if name == "__all__" else name, message)
        return cleaned

    def _post_clean(self) -> None:
        # Never copy the input onto the Schedule: a Träger's proposal must leave it as it is.
        pass


def cleaned_row(cleaned: dict[str, Any], instance: Schedule | None) -> ScheduleData:
    """A form's cleaned values as ``ScheduleData`` (uuid of the row it edits, or ``None``)."""
    return ScheduleData(
        uuid=str(instance.uuid) if instance is not None and instance.pk is not None else None,
        freq=cleaned.get("freq") or "",
        byday=cleaned.get("byday") or "",
        opens_at=cleaned.get("opens_at"),
        closes_at=cleaned.get("closes_at"),
        valid_from=cleaned.get("valid_from"),
        valid_to=cleaned.get("valid_to"),
        description=cleaned.get("description") or "",
    )


def _initial(row: ScheduleData) -> dict[str, Any]:
    return {
        "freq": row["freq"],
        "byday": weekday_codes(row["byday"]),
        "opens_at": row["opens_at"],
        "closes_at": row["closes_at"],
        "valid_from": row["valid_from"],
        "valid_to": row["valid_to"],
        "description": row["description"],
    }


class BaseScheduleFormSet(forms.BaseInlineFormSet[Schedule, Offering, ScheduleForm]):
    """The offer's Zeitpläne in creation order, plus one empty row for a new one."""

    default_error_messages = {
        "missing_management_form": _(
            "Das Formular für die Zeitpläne ist unvollständig angekommen. Bitte laden Sie die Seite neu."
        ),
        "too_many_forms": _("Ein Angebot kann höchstens %(num)d Zeitpläne haben."),
        "too_few_forms": _("Bitte geben Sie mindestens %(num)d Zeitplan an."),
    }

    def __init__(self, *args: Any, proposed: list[ScheduleData] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        self.proposed = proposed
        self._stored = list(self.get_queryset())
        known = {str(s.uuid) for s in self._stored}
        self._new = [r for r in proposed or [] if r["uuid"] not in known]
        if proposed is not None:
            self.extra = len(self._new) + 1

    def add_fields(self, form: ScheduleForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Diesen Zeitplan löschen")
        form.fields["DELETE"].widget.attrs["class"] = "kern-form-check__checkbox"

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        """Initial values from an open proposal: its version of each row, its new rows, its deletions."""
        kwargs = super().get_form_kwargs(index)
        if self.proposed is None or index is None:
            return kwargs
        if index < len(self._stored):
            by_uuid = {r["uuid"]: r for r in self.proposed}
            row = by_uuid.get(str(self._stored[index].uuid))
            kwargs["initial"] = _initial(row) if row is not None else {"DELETE": True}
        elif 0 <= index - len(self._stored) < len(self._new):
            kwargs["initial"] = _initial(self._new[index - len(self._stored)])
            kwargs["empty_permitted"] = False  # a proposed new row counts even if left as shown
        return kwargs


ScheduleFormSet = forms.inlineformset_factory(
    Offering,
    Schedule,
    form=ScheduleForm,
    formset=BaseScheduleFormSet,
    fields=list(SCHEDULE_FIELDS),
    extra=1,
    can_delete=True,
    max_num=MAX_SCHEDULES,
    validate_max=True,
    absolute_max=MAX_SCHEDULES,  # a tampered TOTAL_FORMS builds at most this many forms
)


def schedule_formset(
    data: Any, offering: Offering | None, proposed: list[ScheduleData] | None = None
) -> BaseScheduleFormSet:
    """The Zeitpläne formset of ``offering`` (a new, unsaved offer for the create page)."""
    formset = ScheduleFormSet(data, instance=offering or Offering(), proposed=proposed)
    assert isinstance(formset, BaseScheduleFormSet)
    return formset


def submitted(data: Mapping[str, Any]) -> bool:
    """Whether POST ``data`` holds the Zeitpläne part at all (its management form, even a broken one)."""
    return any(f"{PREFIX}-{name}" in data for name in ("TOTAL_FORMS", "INITIAL_FORMS"))


def schedule_rows(formset: BaseScheduleFormSet) -> list[ScheduleData]:
    """The complete list of Zeitpläne a valid formset asks for (deleted and empty rows left out)."""
    rows = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue  # an untouched extra row, or one marked for deletion
        instance = form.instance if form.instance.pk is not None else None
        rows.append(cleaned_row(form.cleaned_data, instance))
    return rows
