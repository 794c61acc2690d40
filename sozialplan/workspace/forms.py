"""Planungsraum form and the filter forms of the workspace lists (GET, never saved)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sozialplan.catalog.models import ActionField
from sozialplan.offerings.forms import KernFormMixin
from sozialplan.offerings.models import OfferingStatus, ReviewState
from sozialplan.regions.models import District, PlanningArea, Region


class PlanningAreaForm(KernFormMixin, forms.ModelForm[PlanningArea]):
    class Meta:
        model = PlanningArea
        fields = ["name", "description", "gemeinden"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "gemeinden": forms.CheckboxSelectMultiple(),
        }
        error_messages = {"gemeinden": {"required": _("Bitte wählen Sie mindestens eine Gemeinde.")}}

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gemeinden = self.fields["gemeinden"]
        assert isinstance(gemeinden, forms.ModelMultipleChoiceField)
        gemeinden.queryset = district.gemeinden().order_by("name")
        self.style_fields()

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Bitte geben Sie einen Namen an."))
        return name

    def _post_clean(self) -> None:
        # Uniqueness and scope are checked by workspace.services with German messages.
        pass


class FilterForm(KernFormMixin, forms.Form):
    """A GET filter: invalid values are ignored (``value`` returns ``None``), never an error page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.style_fields()

    def value(self, name: str) -> Any:
        if not self.is_bound:
            return None
        self.is_valid()  # keeps the valid fields in cleaned_data, drops the others
        return self.cleaned_data.get(name)


class OfferingFilterForm(FilterForm):
    q = forms.CharField(label=_("Name enthält"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("alle"))])
    review = forms.ChoiceField(label=_("Freigabe"), choices=[("", _("alle")), *ReviewState.choices])
    field = forms.ModelChoiceField(
        label=_("Handlungsfeld"), queryset=ActionField.objects.order_by("code"), to_field_name="code"
    )
    gemeinde = forms.ModelChoiceField(label=_("Gemeinde"), queryset=Region.objects.none(), to_field_name="key")
    stale = forms.BooleanField(label=_("nur lange nicht geprüfte (veröffentlichte)"))

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("alle außer eingestellt")), ("all", _("alle")), *OfferingStatus.choices]
        for name, empty in (("field", _("alle")), ("gemeinde", _("alle"))):
            chooser = self.fields[name]
            assert isinstance(chooser, forms.ModelChoiceField)
            chooser.empty_label = empty
        gemeinde = self.fields["gemeinde"]
        assert isinstance(gemeinde, forms.ModelChoiceField)
        gemeinde.queryset = district.gemeinden().order_by("name")


class RetiredFilterForm(FilterForm):
    state = forms.ChoiceField(
        label=_("Anzeigen"),
        choices=[("", _("aktive")), ("retired", _("ausgeschiedene")), ("all", _("alle"))],
    )
    q = forms.CharField(label=_("Name enthält"), max_length=200)


class SiteFilterForm(RetiredFilterForm):
    gemeinde = forms.ModelChoiceField(label=_("Gemeinde"), queryset=Region.objects.none(), to_field_name="key")

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gemeinde = self.fields["gemeinde"]
        assert isinstance(gemeinde, forms.ModelChoiceField)
        gemeinde.queryset = district.gemeinden().order_by("name")
        gemeinde.empty_label = _("alle")


class TrailFilterForm(FilterForm):
    object_type = forms.ChoiceField(
        label=_("Objektart"),
        choices=[
            ("", _("alle")),
            ("offering", _("Angebot")),
            ("provider", _("Träger")),
            ("site", _("Standort")),
            ("planningarea", _("Planungsraum")),
        ],
    )
    object_id = forms.CharField(label=_("Objekt-Kennung"), max_length=64)
    q = forms.CharField(label=_("Bezeichnung enthält"), max_length=200)
