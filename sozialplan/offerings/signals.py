"""Signal handlers of the offerings app: keep ``Offering.search_text`` current.

The search text (see ``search.py``) reads the offer, its Träger, its Standorte
and its M2M relations, so it is refreshed when any of these change:

* ``post_save`` of an Offering, a Provider (its offers) or a Site (the offers there);
* ``m2m_changed`` of ``Offering.sites``, ``served_regions``, ``target_groups``,
  ``action_fields`` and ``themes``, from either side of the relation.

Fixture loading (``raw=True``) is skipped; ``loaddata`` users call
``search.refresh_search_texts`` afterwards.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from sozialplan.offerings.models import Offering, Provider, Site
from sozialplan.offerings.search import note_changed, refresh_search_text, refresh_search_texts

_PENDING_ATTR = "_search_text_pending_ids"


@receiver(post_save, sender=Offering, dispatch_uid="offering_search_text")
def offering_saved(instance: Offering, raw: bool = False, **_kwargs: Any) -> None:
    if not raw and not note_changed([instance.pk]):
        refresh_search_text(instance)


@receiver(post_save, sender=Provider, dispatch_uid="provider_search_text")
def provider_saved(instance: Provider, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not kwargs.get("created"):
        _refresh(Offering.objects.filter(provider=instance))


@receiver(post_save, sender=Site, dispatch_uid="site_search_text")
def site_saved(instance: Site, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not kwargs.get("created"):
        _refresh(Offering.objects.filter(sites=instance))


def _refresh(offerings: QuerySet[Offering]) -> None:
    """Refresh now, or note the offers when inside ``search.batched_refresh``."""
    if not note_changed(offerings.values_list("pk", flat=True)):
        refresh_search_texts(offerings)


def offering_relation_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **_kwargs: Any,
) -> None:
    """Refresh the offers on either end of a changed Offering M2M relation.

    Forward (``offering.sites.add(site)``): ``instance`` is the offer. Reverse
    (``site.offerings.add(offering)``): ``pk_set`` holds the offer ids; for
    ``clear`` they are collected before the rows go.
    """
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear") and not note_changed([instance.pk]):
            refresh_search_text(instance)
        return
    if action == "pre_clear":
        through_field = _through_source_field(sender, instance)
        ids = list(sender.objects.filter(**{through_field: instance.pk}).values_list("offering_id", flat=True))
        setattr(instance, _PENDING_ATTR, ids)
    elif action == "post_clear":
        ids = getattr(instance, _PENDING_ATTR, [])
        if ids:
            _refresh(Offering.objects.filter(pk__in=ids))
    elif action in ("post_add", "post_remove") and pk_set:
        _refresh(Offering.objects.filter(pk__in=pk_set))


def _through_source_field(through: Any, instance: Any) -> str:
    """The ``<name>_id`` column of ``through`` that points at ``instance``'s model."""
    for field in through._meta.get_fields():
        if getattr(field, "related_model", None) is type(instance) and field.name != "offering":
            return f"{field.name}_id"
    raise LookupError(f"{through} has no foreign key to {type(instance)}")


for _relation in (
    Offering.sites,
    Offering.served_regions,
    Offering.target_groups,
    Offering.action_fields,
    Offering.themes,
):
    m2m_changed.connect(
        offering_relation_changed,
        sender=_relation.through,
        dispatch_uid=f"offering_search_text_{_relation.field.name}",
    )
