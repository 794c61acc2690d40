"""Import a statistical table (read by ``sozialplan.sources``) into ``Dataset`` and ``Observation`` rows.

One table = one :class:`~sozialplan.indicators.models.Dataset`, identified by
its table code (``12411-02-03-5-B``); a second import of the same code updates
it. Region keys are matched by :mod:`sozialplan.indicators.import_matching`;
numbers of keys that match no region are not stored unless a planner
confirmed a successor (then counts are added to it, see there).

Rules:

* **Preview first.** :func:`preview` says what an import would do (regions
  matched and not matched with reasons, symbols, new/changed/unchanged values)
  without writing anything.
* **All or nothing.** :func:`import_table` writes in one transaction; a bad
  value, a refused mapping or any error writes nothing.
* **Idempotent.** Values are compared with the stored ones: a second import of
  the same file changes nothing (not even the import date) and says so.
  Values the file no longer has are deleted only for the regions and periods
  the file covers, so a table of one year does not erase other years.
* **Symbols are data.** ``-``, ``.``, ``x``, ``...``, ``/``, ``()`` are kept in
  ``Observation.flag`` (``value`` is ``None`` where the symbol has no number).
  When counts of merged Gemeinden are added, a part without number makes the
  sum unknown (its symbol is kept), ``()`` stays ``()``, and ``-`` + ``-`` is ``-``.
* **Limits.** Files above ``settings.MAX_UPLOAD_BYTES`` (also what a ZIP or
  XLSX unpacks to) and tables above :data:`MAX_VALUES` values are refused
  with a German message; the flat-file reader stops before building the
  values of a table that is too big.
* **District scope.** With ``district`` (the upload form) an import writes,
  and a deletion removes, only values of the district's regions; other
  Kreise, the Land and Deutschland stay as they are
  (:mod:`~sozialplan.indicators.import_scope`). The command passes no
  district and is not restricted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sozialplan.audit.services import record
from sozialplan.indicators import import_plan
from sozialplan.indicators.import_plan import MAX_VALUES, Cell, ObsKey, Plan, check_value_count, number
from sozialplan.indicators.import_preview import ImportPreview, build_preview
from sozialplan.indicators.import_scope import local_grid_cells, local_observations
from sozialplan.indicators.models import Dataset, DatasetFormat, DatasetKind, Observation, RegionKeyMapping
from sozialplan.regions.models import District
from sozialplan.sources.errors import SourceError
from sozialplan.sources.statistics import StatTable

if TYPE_CHECKING:
    from sozialplan.indicators.import_grid import GridPreview
    from sozialplan.sources.zensus_grid import GridTable

__all__ = [
    "MAX_VALUES",
    "DeleteResult",
    "ImportPreview",
    "ImportResult",
    "MappingRefusedError",
    "check_size",
    "delete_dataset",
    "import_table",
    "preview",
    "read_table",
]

Actor = AbstractBaseUser | AnonymousUser | None
T = TypeVar("T")

#: Rows per INSERT/UPDATE/DELETE statement.
BATCH_SIZE: Final = 2_000


# --- Reading ----------------------------------------------------------------------------------


def check_size(size: int, *, file: str = "") -> None:
    """``SourceError`` if ``size`` bytes exceed ``settings.MAX_UPLOAD_BYTES``."""
    limit: int = settings.MAX_UPLOAD_BYTES
    if size > limit:
        raise SourceError(
            _("Die Datei ist zu groß (%(size)s); erlaubt sind höchstens %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            file=file,
        )


def read_table(name: str, data: bytes) -> StatTable | GridTable:
    """Detect the format of ``data`` and read it (``SourceError`` in German for anything unreadable).

    The upload limit also bounds what a ZIP or XLSX unpacks to, and a flat
    file above :data:`MAX_VALUES` values is refused before its values are built.
    """
    check_size(len(data), file=name)
    if not data.strip():
        raise SourceError(_("Die Datei ist leer."), file=name)
    # Imported on first use: the readers pull in openpyxl, which most requests never need.
    from sozialplan.sources.detect import read_statistics_file

    table: StatTable | GridTable = read_statistics_file(
        name, data, max_unzipped_bytes=settings.MAX_UPLOAD_BYTES, max_values=import_plan.MAX_VALUES
    )
    if isinstance(table, StatTable):
        check_value_count(table)
    return table


# --- Preview ----------------------------------------------------------------------------------


def preview(
    table: StatTable | GridTable, *, mappings: Mapping[str, int] | None = None, district: District | None = None
) -> ImportPreview | GridPreview:
    """What importing ``table`` would do; writes nothing.

    ``mappings`` (old key → region pk) are the successors a planner chose;
    ``None`` uses the mappings confirmed earlier. ``district`` (the upload
    form) restricts the preview to the district's regions and counts the
    values of other areas; for a grid it counts the cells inside the Kreis.
    Raises ``SourceError`` for a table that cannot be imported at all (bad
    code, bad values).
    """
    if not isinstance(table, StatTable):
        from sozialplan.indicators.import_grid import grid_preview

        return grid_preview(table, district=district)
    plan = Plan.make(table, mappings, district=district)
    return build_preview(
        table,
        plan.match,
        changes=plan.counts(),
        existing=plan.existing,
        mapped=plan.mappings.accepted,
        mapping_errors=plan.mappings.errors,
        stored_values=plan.stored_values,
        district_name=district.name if district is not None else "",
    )


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did (German :meth:`summary`)."""

    dataset: Dataset
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    mapped_keys: int = 0
    skipped_values: int = 0
    unmatched_count: int = 0
    outside_count: int = 0
    foreign_values: int = 0
    grid_cells: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def summary(self) -> str:
        if self.grid_cells is not None:
            return _(
                "%(code)s: %(cells)s Gitterzellen dieser Datei liegen in gespeicherten Gemeinden und sind gespeichert "
                "(insgesamt %(values)s Zellen im Datensatz)."
            ) % {
                "cells": number(self.grid_cells),
                "code": self.dataset.code,
                "values": number(self.dataset.observation_count),
            }
        if not self.changed:
            text = _("%(code)s: nichts geändert (%(unchanged)s Werte unverändert).") % {
                "code": self.dataset.code,
                "unchanged": number(self.unchanged),
            }
        else:
            text = _(
                "%(code)s: %(new)s Werte neu, %(changed)s geändert, %(unchanged)s unverändert, %(deleted)s entfernt."
            ) % {
                "code": self.dataset.code,
                "new": number(self.created),
                "changed": number(self.updated),
                "unchanged": number(self.unchanged),
                "deleted": number(self.deleted),
            }
        if self.mapped_keys:
            text += " " + ngettext(
                "Die Werte von %(count)d alten Schlüssel wurden dem Nachfolger zugerechnet.",
                "Die Werte von %(count)d alten Schlüsseln wurden den Nachfolgern zugerechnet.",
                self.mapped_keys,
            ) % {"count": self.mapped_keys}
        if self.unmatched_count:
            text += " " + ngettext(
                "%(count)d Gebiet nicht zugeordnet.", "%(count)d Gebiete nicht zugeordnet.", self.unmatched_count
            ) % {"count": self.unmatched_count}
        if self.foreign_values:
            text += " " + ngettext(
                "%(count)s Wert anderer Gebiete nicht übernommen.",
                "%(count)s Werte anderer Gebiete nicht übernommen.",
                self.foreign_values,
            ) % {"count": number(self.foreign_values)}
        return text

    def __str__(self) -> str:
        return self.summary()


class MappingRefusedError(SourceError):
    """A planner's mapping cannot be applied; ``errors`` maps each old key to the German reason."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(_("Nichts importiert: %(reasons)s") % {"reasons": " ".join(self.errors.values())})


def import_table(
    table: StatTable | GridTable,
    *,
    user: Actor,
    file_name: str,
    sha256: str,
    confirmed_mappings: Mapping[str, int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    district: District | None = None,
) -> ImportResult:
    """Write ``table`` as a dataset (see the module docstring); all or nothing.

    ``confirmed_mappings`` (old key → region pk) are stored as
    ``RegionKeyMapping`` (confirmed by ``user``); ``None`` applies the mappings
    confirmed earlier. ``progress(done, total)`` is called after each batch of
    written rows. ``district`` (the upload form) restricts the import to the
    district's regions (see the module docstring) and files the audit entry
    under it. Raises ``SourceError`` (``MappingRefusedError`` for refused
    mappings; also when the table has no value for the district); nothing is
    written then.
    """
    if not isinstance(table, StatTable):
        from sozialplan.indicators.import_grid import import_grid_table

        return import_grid_table(table, user=user, file_name=file_name, sha256=sha256, district=district)
    with transaction.atomic():
        plan = Plan.make(table, confirmed_mappings, district=district)
        if plan.mappings.errors:
            raise MappingRefusedError(plan.mappings.errors)
        if district is not None and not plan.target:
            raise SourceError(
                _("Die Tabelle enthält keine Werte für Gebiete von %(district)s; es wurde nichts importiert.")
                % {"district": district.name}
            )
        return _Writer(plan, user=user, file_name=file_name, sha256=sha256, district=district).run(progress)


def _batches(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _vintage(periods: Sequence[dt.date]) -> str:
    if not periods:
        return ""
    if len(periods) == 1:
        return _("Stichtag %(day)s") % {"day": f"{periods[0]:%d.%m.%Y}"}
    return _("Stichtage %(first)s bis %(last)s (%(count)d)") % {
        "first": f"{periods[0]:%d.%m.%Y}",
        "last": f"{periods[-1]:%d.%m.%Y}",
        "count": len(periods),
    }


class _Writer:
    """Writes one planned table; counts what it did."""

    def __init__(self, plan: Plan, *, user: Actor, file_name: str, sha256: str, district: District | None) -> None:
        self.plan = plan
        self.user = user
        self.file_name = file_name[:255]
        self.sha256 = sha256[:64]
        self.district = district

    def metadata(self) -> dict[str, object]:
        table = self.plan.table
        projection = table.format == DatasetFormat.PROJECTION_CSV or any(v.variant for v in table.values)
        return {
            "title": (table.title or table.code)[:300],
            "kind": DatasetKind.PROJECTION if projection else DatasetKind.OFFICIAL,
            "format": table.format,
            "source": table.source[:300],
            "licence": table.licence[:200],
            "vintage": _vintage(table.periods)[:200],
            "file_name": self.file_name,
            "sha256": self.sha256,
        }

    def dataset(self) -> tuple[Dataset, dict[str, list[object]]]:
        """The dataset (saved when new) and its changed metadata as ``{field: [old, new]}``."""
        wanted = self.metadata()
        existing = self.plan.existing
        if existing is None:
            dataset = Dataset.objects.create(code=self.plan.table.code, imported_by=_user(self.user), **wanted)
            return dataset, {}
        if existing.kind == DatasetKind.ESTIMATE or existing.format == DatasetFormat.COMPUTED:
            raise SourceError(
                _("Der Tabellencode %(code)s gehört zu einem berechneten Datensatz; er wird nicht überschrieben.")
                % {"code": existing.code}
            )
        changes = {k: [getattr(existing, k), v] for k, v in wanted.items() if getattr(existing, k) != v}
        for name, (_old, new) in changes.items():
            setattr(existing, name, new)
        return existing, changes

    def run(self, progress: Callable[[int, int], None] | None) -> ImportResult:
        plan = self.plan
        dataset, meta_changes = self.dataset()
        creates: list[Observation] = []
        updates: list[Observation] = []
        unchanged = 0
        for key, cell in plan.target.items():
            old = plan.stored.get(key)
            if old is None:
                creates.append(_observation(dataset, key, cell))
            elif old[1] == cell.value and old[2] == cell.flag:
                unchanged += 1
            else:
                updates.append(Observation(pk=old[0], value=cell.value, flag=cell.flag))
        removals = plan.removals()
        total, done = len(creates) + len(updates) + len(removals), 0
        for batch in _batches(creates):
            Observation.objects.bulk_create(batch)
            done += len(batch)
            if progress:
                progress(done, total)
        for batch in _batches(updates):
            Observation.objects.bulk_update(batch, ["value", "flag"])
            done += len(batch)
            if progress:
                progress(done, total)
        for ids in _batches(removals):
            Observation.objects.filter(pk__in=ids).delete()
            done += len(ids)
            if progress:
                progress(done, total)
        result = ImportResult(
            dataset=dataset,
            created=len(creates),
            updated=len(updates),
            unchanged=unchanged,
            deleted=len(removals),
            mapped_keys=len(plan.mappings.accepted),
            skipped_values=len(plan.table.values) - plan.stored_values,
            unmatched_count=sum(
                1 for u in plan.match.unmatched if not u.only_symbols and u.key not in plan.mappings.accepted
            ),
            outside_count=len(plan.match.outside),
            foreign_values=plan.match.foreign_values,
        )
        self._store_mappings()
        self._finish(result, meta_changes)
        return result

    def _store_mappings(self) -> None:
        names = {u.key: u.name for u in self.plan.match.unmatched}
        for key, region in self.plan.mappings.accepted.items():
            current = RegionKeyMapping.objects.filter(old_key=key).first()
            if current is not None and current.new_region_id == region.pk:
                continue
            RegionKeyMapping.objects.update_or_create(
                old_key=key,
                defaults={
                    "old_name": names.get(key, self.plan.match.outside.get(key, ""))[:200],
                    "new_region": region,
                    "confirmed_by": _user(self.user),
                },
            )

    def _finish(self, result: ImportResult, meta_changes: dict[str, list[object]]) -> None:
        dataset = result.dataset
        count = self.plan.stored_total + result.created - result.deleted
        counters = {"observation_count": count, "unmatched_count": result.unmatched_count}
        for name, value in counters.items():
            if getattr(dataset, name) != value:
                meta_changes[name] = [getattr(dataset, name), value]
                setattr(dataset, name, value)
        if not (result.changed or meta_changes):
            return  # idempotent: not even the import date changes
        dataset.imported_by = _user(self.user)
        dataset.save()
        record(
            actor=self.user,
            district=self.district,
            action="imported",
            obj=dataset,
            changes={k: [_plain(o), _plain(n)] for k, (o, n) in meta_changes.items()},
            note=result.summary(),
        )


def _plain(value: object) -> object:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _observation(dataset: Dataset, key: ObsKey, cell: Cell) -> Observation:
    region_id, measure, period, sex, age_from, age_to, breakdown, variant = key
    return Observation(
        dataset=dataset,
        region_id=region_id,
        measure=measure,
        period=period,
        sex=sex,
        age_from=age_from,
        age_to=age_to,
        breakdown=breakdown,
        variant=variant,
        value=cell.value,
        flag=cell.flag,
    )


@dataclass(frozen=True)
class DeleteResult:
    """What a deletion removed (values or grid cells) and what stays of the dataset."""

    removed: int
    kept: int

    @property
    def dataset_deleted(self) -> bool:
        return self.kept == 0


def delete_dataset(dataset: Dataset, *, user: Actor, district: District | None = None) -> DeleteResult:
    """Delete the values of ``dataset``; audited, atomic.

    Without ``district`` the dataset goes with all its values. With
    ``district`` (the upload form) only the values and grid cells of the
    district's regions go; the dataset itself goes only when nothing is
    left, otherwise its ``observation_count`` is updated. An estimate the
    deleted values had replaced shows again.
    """
    with transaction.atomic():
        if district is None:
            removed = Observation.objects.filter(dataset=dataset).count() + dataset.grid_cells.count()
            kept = 0
        else:
            observations, cells = local_observations(dataset, district), local_grid_cells(dataset, district)
            removed = observations.count() + cells.count()
            observations.delete()
            cells.delete()
            kept = Observation.objects.filter(dataset=dataset).count() + dataset.grid_cells.count()
        result = DeleteResult(removed=removed, kept=kept)
        note = _("%(count)s Werte gelöscht.") % {"count": number(removed)}
        if kept:
            note += " " + _("%(kept)s Werte anderer Gebiete bleiben.") % {"kept": number(kept)}
        record(actor=user, district=district, action="deleted", obj=dataset, note=note)
        if result.dataset_deleted:
            dataset.delete()
        else:  # a grid dataset counts its cells, any other its values: ``kept`` either way
            Dataset.objects.filter(pk=dataset.pk).update(observation_count=kept)
            dataset.observation_count = kept
    return result
