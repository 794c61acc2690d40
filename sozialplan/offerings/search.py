"""Full-text search of offers that works the same on SQLite and PostgreSQL.

Every offer keeps one normalized string of everything a citizen might type
(``Offering.search_text``): name, description, category, Träger, Standort
names, towns/Ortsteile, postcodes and Gemeinden, Zielgruppen, Handlungsfelder,
Angebotsart, Querschnittsthemen and the served regions. A query matches when
*every* normalized word of the query is a substring of that string, so
"senioren beratung schleusingen" finds the Seniorenbeirat der Stadt
Schleusingen only if all three words occur somewhere.

Normalization (``normalize``): casefold; ä→ae, ö→oe, ü→ue, ß→ss; any other
diacritic is stripped (é→e); everything that is not a letter or digit becomes
a space; runs of spaces collapse. The stored text holds both umlaut folds
(ä→ae and ä→a), so "Römhild", "Roemhild" and "Romhild" all find Römhild, and
words with inner punctuation also glued ("Senior:innen" → "seniorinnen").

The column is kept current by the signal handlers in ``signals.py``. Code that
bypasses signals (``bulk_create``, ``QuerySet.update``, raw SQL) must call
``refresh_search_texts`` afterwards. Code that writes many offers (importers)
can wrap the writes in ``batched_refresh()``: the handlers then only note the
offers, and all texts are recomputed once, with a fixed number of queries, at
the end of the block.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import QuerySet

from sozialplan.offerings.models import Offering

#: German umlauts spelled out, as in "Roemhild". Applied after casefold.
_EXPANDED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
#: German umlauts reduced to the base letter, as in "Romhild".
_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})

#: Query words beyond this many are ignored (each word is one SQL condition).
MAX_QUERY_WORDS = 10
#: Longer words are cut to this many characters (no real word is longer).
MAX_WORD_LENGTH = 60

#: Relations ``search_text_for`` reads; prefetch them before a bulk refresh.
SEARCH_PREFETCH = (
    "sites__gemeinde",
    "served_regions",
    "target_groups",
    "action_fields",
    "themes",
)


def _fold(text: str, umlauts: dict[int, str], *, glue: bool = False) -> str:
    """Casefold, translate umlauts with ``umlauts``, strip other marks, punctuation → space.

    With ``glue`` punctuation is dropped instead, so "Senior:innen" gives "seniorinnen".
    """
    # Compose first so that "a" + combining diaeresis is seen as "ä".
    folded = unicodedata.normalize("NFC", text).casefold().translate(umlauts)
    decomposed = unicodedata.normalize("NFKD", folded)
    other = "" if glue else " "
    chars = [
        (ch if ch.isalnum() or (glue and ch.isspace()) else other)
        for ch in decomposed
        if not unicodedata.combining(ch) and ch != "\x00"
    ]
    return " ".join("".join(chars).split())


def normalize(text: str) -> str:
    """The search form of ``text``: lower case, umlauts spelled out, no punctuation.

    ``normalize("Senior:innen-Büro Römhild") == "senior innen buero roemhild"``.
    ß becomes "ss" (through casefold). Returns "" for text without letters or digits.
    """
    return _fold(text, _EXPANDED)


def _both_folds(text: str) -> str:
    """``normalize(text)`` followed by the words that differ in the ä→a fold or without punctuation.

    The extra words let "Romhild" find "Römhild" and "Seniorinnen" find "Senior:innen".
    """
    expanded = normalize(text)
    seen = set(expanded.split())
    variants = (_fold(text, _PLAIN), _fold(text, _EXPANDED, glue=True), _fold(text, _PLAIN, glue=True))
    extra = [w for variant in variants for w in variant.split() if w not in seen]
    return " ".join([expanded, *dict.fromkeys(extra)]) if extra else expanded


def query_words(query: str) -> list[str]:
    """The distinct normalized words of a query, at most ``MAX_QUERY_WORDS``."""
    words = [w[:MAX_WORD_LENGTH] for w in normalize(query).split()]
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def _searchable_parts(offering: Offering) -> Iterable[str]:
    yield from (
        offering.name,
        offering.alternate_name,
        offering.description,
        offering.category,
        offering.target_description,
        offering.service_area_description,
    )
    if offering.offer_type is not None:
        yield offering.offer_type.name
    if offering.provider is not None:
        yield offering.provider.name
        yield offering.provider.alternate_name
    for site in offering.sites.all():
        if site.retired_at is not None:
            continue  # a given-up Standort is no longer where the offer is found
        yield from (site.name, site.town, site.postcode, site.street)
        if site.gemeinde is not None:
            yield site.gemeinde.name
    for region in offering.served_regions.all():
        yield region.name
    for group in offering.target_groups.all():
        yield group.name
    for field in offering.action_fields.all():
        yield from (field.name, field.short_name, *[str(a) for a in field.aliases or []])
    for theme in offering.themes.all():
        yield theme.name


def search_text_for(offering: Offering) -> str:
    """One normalized string of every searchable field of ``offering`` (both umlaut folds).

    Reads the offer's relations; on an unsaved offer only its own fields count.
    """
    if offering.pk is None:
        own = (offering.name, offering.alternate_name, offering.description, offering.category)
        return _both_folds(" ".join(p for p in own if p))
    return _both_folds(" ".join(p for p in _searchable_parts(offering) if p))


_pending: ContextVar[set[int] | None] = ContextVar("sozialplan_search_pending", default=None)


@contextmanager
def batched_refresh() -> Iterator[None]:
    """Defer search-text upkeep inside the block and refresh every touched offer once at its end.

    Nested blocks join the outermost one. If the block raises, nothing is
    refreshed (the caller's transaction is expected to roll back).
    """
    if _pending.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        refresh_search_texts(Offering.objects.filter(pk__in=pending))


def note_changed(offering_ids: Iterable[int]) -> bool:
    """Inside ``batched_refresh``: remember the offers for the final refresh and return True."""
    pending = _pending.get()
    if pending is None:
        return False
    pending.update(offering_ids)
    return True


def refresh_search_text(offering: Offering) -> str:
    """Recompute and store ``offering.search_text`` (one UPDATE of that column only).

    Uses ``QuerySet.update`` so that no ``post_save`` fires again (no recursion)
    and ``updated_at`` keeps its value. Returns the new text.
    """
    text = search_text_for(offering)
    Offering.objects.filter(pk=offering.pk).update(search_text=text)
    offering.search_text = text
    return text


def refresh_search_texts(offerings: QuerySet[Offering]) -> int:
    """Recompute ``search_text`` for many offers with a fixed number of queries.

    For importers that use ``bulk_create`` or after renaming reference data.
    Returns the number of offers whose text changed.
    """
    changed = []
    for offering in offerings.select_related("provider", "offer_type").prefetch_related(*SEARCH_PREFETCH):
        text = search_text_for(offering)
        if text != offering.search_text:
            offering.search_text = text
            changed.append(offering)
    Offering.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


def filter_by_query(queryset: QuerySet[Offering], query: str) -> QuerySet[Offering]:
    """Offers whose search text contains every word of ``query`` (AND).

    An empty or punctuation-only query leaves ``queryset`` unchanged.
    """
    for word in query_words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset
