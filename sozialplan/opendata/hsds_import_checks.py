"""Rules an HSDS import must keep beyond the schema: the district's territory and our models' validation.

Used by ``hsds_import_records``. An imported record may only point to the
district's own Kreis and Gemeinden, a location with coordinates must lie in the
district, and every value written to a model passes that model field's
validation (length, e-mail address, http(s) URL …), as a form would check it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from sozialplan.opendata import hsds
from sozialplan.opendata.hsds_fields import Field, Overlay, is_http_url
from sozialplan.regions.models import District, Region
from sozialplan.regions.services import GemeindeLocator


def _paths(fields: tuple[Field, ...], prefix: str = "") -> dict[str, str]:
    return {f.attr: prefix + f.key for f in fields}


def _overlay_paths(overlay: Overlay) -> dict[str, str]:
    return _paths(overlay.fields, f"{overlay.key}[0].")


#: Model attribute → HSDS path (relative to the object) of the values an import writes, per model.
SERVICE_PATHS = (
    _paths(hsds.SERVICE_FIELDS)
    | _overlay_paths(hsds.SERVICE_PHONES)
    | {attr: "attributes" for attr in ("source_url", "source_date", "category")}
    | {"service_area_description": "service_areas", "schedule_description": "schedules[0].description"}
)
ORGANIZATION_PATHS = (
    _paths(hsds.ORGANIZATION_FIELDS) | _overlay_paths(hsds.ORGANIZATION_PHONES) | {"kind": "attributes"}
)
LOCATION_PATHS = (
    _paths(hsds.LOCATION_FIELDS)
    | _overlay_paths(hsds.ADDRESSES)
    | _overlay_paths(hsds.ACCESSIBILITY)
    | {"position_precision": "attributes", "wheelchair_accessible": "accessibility[0].details"}
)
SCHEDULE_PATHS = _paths(hsds.SCHEDULE_FIELDS)


def model_problem(instance: models.Model, paths: Mapping[str, str]) -> tuple[str, str] | None:
    """(HSDS path relative to the object, German message) of the first value the model refuses, or ``None``.

    Runs the field validation of ``full_clean`` on the attributes named in
    ``paths`` (the values the import wrote; relations and other fields are not
    the import's business) and additionally allows only http(s) in URL fields.
    """
    names = {instance._meta.get_field(attr).name for attr in paths}
    exclude = [f.name for f in instance._meta.fields if f.name not in names]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        attr, messages = sorted(error.message_dict.items())[0]
        return paths.get(attr, attr), " ".join(messages)
    for name in sorted(names):
        field = instance._meta.get_field(name)
        value = getattr(instance, name)
        if isinstance(field, models.URLField) and value and not is_http_url(value):
            return paths[name], _("Als Internetadresse sind nur http:// und https:// erlaubt.")
    return None


def shown(value: Any, limit: int = 60) -> str:
    """``value`` as text for a message, shortened to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


class DistrictArea:
    """The Kreis of a district and its currently valid Gemeinden: what an import may link to.

    Gemeinden are looked up by AGS only among the district's own; points are
    located with ``GemeindeLocator`` (point in polygon, 1 km tolerance at the
    generalised borders). Built lazily, once per import.
    """

    def __init__(self, district: District) -> None:
        self.district = district
        self._gemeinden: dict[str, Region] | None = None
        self._locator: GemeindeLocator | None = None

    def gemeinde(self, key: str) -> Region | None:
        """The district's Gemeinde with AGS ``key``, else ``None`` (also for Gemeinden of other districts)."""
        if self._gemeinden is None:
            self._gemeinden = {g.key: g for g in self.district.gemeinden()}
        return self._gemeinden.get(key)

    def region(self, key: str) -> Region | None:
        """The district's Kreis or one of its Gemeinden by key: the only regions an offer may serve."""
        if key == self.district.region.key:
            return self.district.region
        return self.gemeinde(key)

    @property
    def can_locate(self) -> bool:
        """Whether boundaries of the district's Gemeinden are known (else points cannot be checked)."""
        return len(self._get_locator()) > 0

    def locate(self, latitude: float, longitude: float) -> Region | None:
        """The district's Gemeinde containing the point, or ``None`` when it lies outside the district."""
        return self._get_locator().locate(latitude, longitude)

    def _get_locator(self) -> GemeindeLocator:
        if self._locator is None:
            self._locator = GemeindeLocator(self.district.region.key)
        return self._locator
