"""Forms for Träger, Standorte and Angebote (German labels from the models' verbose names).

Forms only check what a person typed; the services check permissions, the
district scope and the location again, so a form is never the only guard.
Every form limits its choices to the district (and, for a Träger, to its own
organisation), so a tampered POST with a foreign key fails as an invalid choice.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sozialplan.accounts.models import Membership, Role
from sozialplan.catalog.models import ActionField, CrossCuttingTheme, TargetGroup
from sozialplan.offerings.models import Offering, Provider, Site
from sozialplan.offerings.values import (
    OFFERING_FIELDS,
    OFFERING_FIELDS_FOR_PROVIDERS,
    PROVIDER_FIELDS,
    SITE_FIELDS,
    served_region_choices,
)
from sozialplan.regions.models import District, Region, RegionKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Longest free text we accept in one field (characters); longer input is refused, not cut.
MAX_TEXT_LENGTH = 10_000

#: Highest age in years an offer may name as its lower or upper age limit.
MAX_AGE_YEARS = 120

#: Highest number of places (capacity) an offer may have.
MAX_CAPACITY = 100_000

_INPUT_CLASS = "kern-form-input__input"


class KernFormMixin:
    """Adds KERN-UX classes to widgets and a length limit to unbounded text fields."""

    fields: dict[str, forms.Field]

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = MAX_TEXT_LENGTH
                field.validators.append(MaxLengthValidator(MAX_TEXT_LENGTH))
                widget.attrs.setdefault("maxlength", str(MAX_TEXT_LENGTH))
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                widget.attrs["class"] = "kern-form-check__checkbox"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "kern-form-input__select"
            else:
                widget.attrs["class"] = _INPUT_CLASS


def formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Model field → form field; URLs without a scheme are read as https:// (Django 6 default)."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple()


class ProviderForm(KernFormMixin, forms.ModelForm[Provider]):
    class Meta:
        model = Provider
        formfield_callback = formfield
        fields = list(PROVIDER_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["website"].widget.attrs["autocomplete"] = "url"
        self.style_fields()

    def clean_name(self) -> str:
        return _clean_name(self.cleaned_data["name"])


def _clean_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise forms.ValidationError(_("Bitte geben Sie einen Namen an."))
    return name


class CoordinateField(forms.FloatField):
    """Decimal degrees, with a comma or a point as decimal separator."""

    def __init__(self, *, label: StrOrPromise, minimum: float, maximum: float) -> None:
        super().__init__(
            label=label,
            required=False,
            localize=True,
            min_value=minimum,
            max_value=maximum,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={
                "invalid": _("Bitte geben Sie eine Zahl in Grad an, z. B. 50,4256."),
                "min_value": _("Der Wert muss mindestens %(limit_value)s sein."),
                "max_value": _("Der Wert darf höchstens %(limit_value)s sein."),
            },
        )


class SiteForm(KernFormMixin, forms.ModelForm[Site]):
    """A Standort. Coordinates are optional: without them the Gemeinde's centre is used."""

    latitude = CoordinateField(label=_("Breitengrad"), minimum=-90, maximum=90)
    longitude = CoordinateField(label=_("Längengrad"), minimum=-180, maximum=180)

    class Meta:
        model = Site
        formfield_callback = formfield
        fields = list(SITE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "accessibility_description": forms.Textarea(attrs={"rows": 3}),
            "wheelchair_accessible": forms.NullBooleanSelect(),
        }
        help_texts = {
            "gemeinde": _("Wird aus den Koordinaten bestimmt, wenn Sie welche angeben."),
        }

    def __init__(
        self, *args: Any, district: District, providers: QuerySet[Provider], planner: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        provider_field = self.fields["provider"]
        assert isinstance(provider_field, forms.ModelChoiceField)
        current = self.instance.provider_id
        provider_field.queryset = Provider.objects.filter(Q(pk__in=providers.values("pk")) | Q(pk=current))
        provider_field.empty_label = _("– kein Träger –") if planner else _("– bitte wählen –")
        provider_field.required = not planner
        gemeinde_field = self.fields["gemeinde"]
        assert isinstance(gemeinde_field, forms.ModelChoiceField)
        gemeinde_field.queryset = district.gemeinden().order_by("name")
        gemeinde_field.empty_label = _("– bitte wählen –")
        self.fields["latitude"].help_text = _("WGS84 in Grad, z. B. 50,4256 (leer lassen, wenn unbekannt)")
        self.fields["longitude"].help_text = _("WGS84 in Grad, z. B. 10,7290")
        self.fields["postcode"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})
        self.fields["street"].widget.attrs["autocomplete"] = "street-address"
        if self.instance.pk and self.instance.position_precision != "exact":
            # Approximate positions are derived from the Gemeinde; do not offer them as typed coordinates.
            self.initial["latitude"] = None
            self.initial["longitude"] = None
        self.style_fields()

    def clean_name(self) -> str:
        return _clean_name(self.cleaned_data["name"])

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data["postcode"].strip()
        # [0-9], not \d: \d also matches other scripts' digits such as full-width "９８６４６".
        if value and not re.fullmatch(r"[0-9]{5}", value):
            raise forms.ValidationError(_("Bitte geben Sie eine fünfstellige Postleitzahl an."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lon is None) and not self.has_error("latitude") and not self.has_error("longitude"):
            missing = "longitude" if lon is None else "latitude"
            self.add_error(missing, _("Bitte geben Sie Breiten- und Längengrad an, oder keines von beiden."))
        return cleaned

    def _post_clean(self) -> None:
        # The location (and the Gemeinde) is resolved by the service; skip the model's
        # own validation here so that its messages do not repeat the service's.
        pass


def providers_for(user: User, district: District, *, planner: bool) -> QuerySet[Provider]:
    """Träger the user may choose in ``district``: all active ones for a planner, else its own."""
    if planner:
        return Provider.objects.filter(district=district, retired_at__isnull=True)
    own = Membership.objects.filter(user=user, district=district, role=Role.PROVIDER).values("provider_id")
    return Provider.objects.filter(district=district, pk__in=own)


class SiteChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Standorte labelled with address and Gemeinde, so that places with similar names differ."""

    def label_from_instance(self, obj: Any) -> str:
        site: Site = obj
        parts = [site.name]
        if site.address_line and site.address_line != site.name:
            parts.append(site.address_line)
        label = ", ".join(parts)
        return f"{label} ({site.gemeinde.name})" if site.gemeinde else label


class ServedRegionField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Gemeinden by name; the Kreis itself is labelled as the whole district."""

    def label_from_instance(self, obj: Any) -> str:
        region: Region = obj
        if region.kind == RegionKind.KREIS:
            return _("ganzes Gebiet: %(name)s") % {"name": f"{region.designation} {region.name}".strip()}
        return region.name


class OfferingForm(KernFormMixin, forms.ModelForm[Offering]):
    """An Angebot. A Träger sees fewer fields (see ``OFFERING_FIELDS_FOR_PROVIDERS``)."""

    sites = SiteChoiceField(
        label=_("Standorte"), queryset=Site.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    served_regions = ServedRegionField(
        label=_("Einzugsgebiet"),
        help_text=_("Gemeinden oder das ganze Gebiet, für die das Angebot da ist"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Offering
        formfield_callback = formfield
        fields = list(OFFERING_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "schedule_description": forms.Textarea(attrs={"rows": 3}),
            "cost_description": forms.Textarea(attrs={"rows": 2}),
            "is_free": forms.NullBooleanSelect(),
            "action_fields": _checkboxes(),
            "target_groups": _checkboxes(),
            "themes": _checkboxes(),
        }
        help_texts = {
            "min_age": _("in Jahren; leer lassen, wenn es keine Untergrenze gibt"),
            "max_age": _("in Jahren; leer lassen, wenn es keine Obergrenze gibt"),
            "capacity": _("Zahl der Plätze, wenn bekannt"),
        }

    def __init__(
        self,
        *args: Any,
        district: District,
        providers: QuerySet[Provider],
        planner: bool,
        new: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        if not planner:
            keep = set(OFFERING_FIELDS_FOR_PROVIDERS) | ({"provider"} if new else set())
            for name in [n for n in self.fields if n not in keep]:
                del self.fields[name]
        if "provider" in self.fields:
            self._limit("provider", self._provider_choices(providers))
            provider_field = self.fields["provider"]
            assert isinstance(provider_field, forms.ModelChoiceField)
            provider_field.required = not planner
            provider_field.empty_label = _("– kein Träger –") if planner else _("– bitte wählen –")
        self._limit("action_fields", ActionField.objects.order_by("code"))
        self._limit("target_groups", TargetGroup.objects.all())
        self._limit("themes", CrossCuttingTheme.objects.all())
        self._limit("sites", self._site_choices(providers, planner))
        self._limit("served_regions", served_region_choices(district))
        self._cap("min_age", MAX_AGE_YEARS, _("Das Alter darf höchstens %(limit_value)s Jahre betragen."))
        self._cap("max_age", MAX_AGE_YEARS, _("Das Alter darf höchstens %(limit_value)s Jahre betragen."))
        self._cap("capacity", MAX_CAPACITY, _("Die Zahl der Plätze darf höchstens %(limit_value)s betragen."))
        self.style_fields()

    def _cap(self, name: str, limit: int, message: StrOrPromise) -> None:
        """An upper limit with a German message (the database checks none on SQLite)."""
        field = self.fields.get(name)
        if isinstance(field, forms.IntegerField):
            field.max_value = limit
            # Replace the model's own (much higher) upper bound, so that only one message shows.
            field.validators = [v for v in field.validators if not isinstance(v, MaxValueValidator)]
            field.validators.append(MaxValueValidator(limit, message=message))
            field.widget.attrs["max"] = str(limit)

    def _limit(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = queryset

    def _provider_choices(self, providers: QuerySet[Provider]) -> QuerySet[Provider]:
        current = self.instance.provider_id
        return Provider.objects.filter(Q(pk__in=providers.values("pk")) | Q(pk=current)).order_by("name")

    def _site_choices(self, providers: QuerySet[Provider], planner: bool) -> QuerySet[Site]:
        linked = self.instance.sites.values("pk") if self.instance.pk else Site.objects.none().values("pk")
        mine = Q(district=self.district, retired_at__isnull=True)
        if not planner:
            mine &= Q(provider__in=providers.values("pk"))
        return Site.objects.filter(mine | Q(pk__in=linked)).select_related("gemeinde").order_by("name")

    def clean_name(self) -> str:
        return _clean_name(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("Das Höchstalter darf nicht kleiner als das Mindestalter sein."))
        return cleaned

    def _post_clean(self) -> None:
        # Model validation runs in the service (on a copy for proposals), never on the
        # instance here: a Träger's proposal must not touch the published offer.
        pass


class DecisionForm(forms.Form):
    """The reason a planner gives when rejecting a proposal or a new offer."""

    reason = forms.CharField(
        label=_("Begründung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": _INPUT_CLASS}),
        error_messages={"required": _("Bitte geben Sie eine Begründung an.")},
        help_text=_("Der Träger sieht diese Begründung."),
    )
