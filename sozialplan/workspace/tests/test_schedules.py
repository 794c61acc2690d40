"""Zeitpläne on the offer pages: who may change them, how, the proposal for published offers, bad input.

The Zeitplan used throughout is the published opening time of the Kita
„Farbkleckse“ (offer_a): "Öffnungszeit Mo–Fr 6–17 Uhr" (data/offers/hildburghausen/offers.csv).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from conftest import PERSONA_NAMES
from sozialplan.audit.models import AuditEntry
from sozialplan.offerings.models import ChangeState, Offering, OfferingChange, ReviewState, Schedule
from sozialplan.offerings.tests.workflow_data import TAFEL_EISFELD, World, row

LOGIN = "login"
MO_FR = ["MO", "TU", "WE", "TH", "FR"]
OPENING: dict[str, Any] = {"freq": "WEEKLY", "byday": MO_FR, "opens_at": "06:00", "closes_at": "17:00"}
LINE = "wöchentlich Montag, Dienstag, Mittwoch, Donnerstag, Freitag 06:00–17:00 Uhr"
HOSTILE = "<script>alert('x')</script> '; DROP TABLE offerings_schedule; --"


def u(name: str, w: World, **kwargs: object) -> str:
    return reverse(f"workspace:{name}", kwargs={"district": w.district.slug, **kwargs})


def schedules_post(rows: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    """The Zeitpläne part of the form: management form and one prefix per row."""
    data: dict[str, Any] = {
        "schedules-TOTAL_FORMS": str(len(rows)),
        "schedules-INITIAL_FORMS": str(initial),
        "schedules-MIN_NUM_FORMS": "0",
        "schedules-MAX_NUM_FORMS": "20",
    }
    for index, values in enumerate(rows):
        data.update({f"schedules-{index}-{key}": value for key, value in values.items()})
    return data


def offer_post(offer: Offering, rows: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    """The edit form as sent back unchanged (a Träger's form ignores the planner-only keys), plus Zeitpläne."""
    data: dict[str, Any] = {
        "name": offer.name,
        "provider": offer.provider_id or "",
        "description": offer.description,
        "category": offer.category,
        "status": offer.status,
        "action_fields": [f.pk for f in offer.action_fields.all()],
        "sites": [s.pk for s in offer.sites.all()],
        "phone": offer.phone,
        "source_url": offer.source_url,
        "source_date": offer.source_date,
    }
    data.update(schedules_post(rows, initial))
    return data


def existing(schedule: Schedule, **changes: Any) -> dict[str, Any]:
    """A stored row as the form sends it back (with its hidden id), with ``changes``."""
    values: dict[str, Any] = {
        "id": schedule.pk,
        "offering": schedule.offering_id,
        "freq": schedule.freq,
        "byday": schedule.byday.split(",") if schedule.byday else [],
        "opens_at": schedule.opens_at.strftime("%H:%M") if schedule.opens_at else "",
        "closes_at": schedule.closes_at.strftime("%H:%M") if schedule.closes_at else "",
        "description": schedule.description,
    }
    values.update(changes)
    return values


def public_page(offer: Offering) -> str:
    return Client().get(reverse("portal:offer_detail", kwargs={"uuid": offer.uuid})).content.decode()


def opening(offer: Offering) -> Schedule:
    return Schedule.objects.create(
        offering=offer, freq="WEEKLY", byday="MO,TU,WE,TH,FR", opens_at=dt.time(6), closes_at=dt.time(17)
    )


# --- who may do what ------------------------------------------------------------------------------


def test_the_edit_page_answers_each_persona_as_documented_and_saves_accordingly(
    world: World, client_as: Callable[[str], Client]
) -> None:
    """Planner: saved at once. Träger A: a proposal, nothing saved yet. Everyone else: refused, nothing saved."""
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    got: dict[str, tuple[int | str, int, int]] = {}
    for persona in PERSONA_NAMES:
        with transaction.atomic():
            response = client_as(persona).post(url, offer_post(world.offer_a, [OPENING]))
            status: int | str = response.status_code
            if status == 302 and response["Location"].startswith(reverse("accounts:login")):
                status = LOGIN
            proposals = OfferingChange.objects.pending().filter(offering=world.offer_a, data__has_key="schedules")
            got[persona] = (status, Schedule.objects.filter(offering=world.offer_a).count(), proposals.count())
            transaction.set_rollback(True)
    assert got == {
        "citizen": (LOGIN, 0, 0),
        "planner": (302, 1, 0),
        "other_planner": (404, 0, 0),
        "traeger_a": (302, 0, 1),
        "traeger_b": (404, 0, 0),
        "committee": (403, 0, 0),
        "outsider": (404, 0, 0),
    }


def test_the_create_page_takes_zeitplaene_from_planners_and_traeger(
    world: World, client_as: Callable[[str], Client]
) -> None:
    data = row(TAFEL_EISFELD)
    post = {"name": data["name"], "description": data["description"], "status": "active"}
    post.update(schedules_post([OPENING, {}]))  # the second, empty row is ignored
    got = {}
    for persona in PERSONA_NAMES:
        with transaction.atomic():
            response = client_as(persona).post(u("offering_create", world), {**post, "provider": world.provider_a.pk})
            offer = Offering.objects.filter(name=data["name"]).first()
            got[persona] = (response.status_code, offer.schedules.count() if offer else None)
            transaction.set_rollback(True)
    assert got == {
        "citizen": (302, None),  # to the login page
        "planner": (302, 1),
        "other_planner": (404, None),
        "traeger_a": (302, 1),  # stored with the new offer, which waits for approval
        "traeger_b": (200, None),  # may not name Träger A: the form refuses, nothing saved
        "committee": (403, None),
        "outsider": (404, None),
    }


# --- planners ------------------------------------------------------------------------------------


def test_a_planner_saves_a_zeitplan_directly_with_an_audit_entry(
    world: World, client_as: Callable[[str], Client]
) -> None:
    planner = client_as("planner")
    assert planner.post(u("offering_edit", world, uuid=world.offer_a.uuid), offer_post(world.offer_a, [OPENING]))
    schedule = Schedule.objects.get(offering=world.offer_a)
    assert (schedule.freq, schedule.byday, schedule.opens_at, schedule.closes_at) == (
        "WEEKLY",
        "MO,TU,WE,TH,FR",
        dt.time(6),
        dt.time(17),
    )
    entry = AuditEntry.objects.get(object_id=str(world.offer_a.uuid), action="updated")
    assert entry.changes == {"schedules": [None, LINE]}
    detail = planner.get(u("offering_detail", world, uuid=world.offer_a.uuid)).content.decode()
    assert "Zeitpläne" in detail and LINE in detail
    trail = planner.get(u("audit_trail", world)).content.decode()
    assert "Zeitpläne" in trail and LINE in trail
    assert LINE in public_page(world.offer_a)


def test_a_planner_changes_and_deletes_zeitplaene(world: World, client_as: Callable[[str], Client]) -> None:
    schedule = opening(world.offer_a)
    planner = client_as("planner")
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    planner.post(url, offer_post(world.offer_a, [existing(schedule, closes_at="16:00"), {}], initial=1))
    changed = Schedule.objects.get(offering=world.offer_a)
    assert (changed.pk, changed.uuid, changed.closes_at) == (schedule.pk, schedule.uuid, dt.time(16))
    planner.post(url, offer_post(world.offer_a, [existing(changed, DELETE="on"), {}], initial=1))
    assert not Schedule.objects.filter(offering=world.offer_a).exists()
    deleted = AuditEntry.objects.filter(object_id=str(world.offer_a.uuid), action="updated").order_by("id").last()
    assert deleted is not None and deleted.changes["schedules"][1] is None


def test_a_post_without_the_zeitplaene_part_leaves_them_as_they_are(
    world: World, client_as: Callable[[str], Client]
) -> None:
    schedule = opening(world.offer_a)
    data = {k: v for k, v in offer_post(world.offer_a, []).items() if not k.startswith("schedules-")}
    data["phone"] = row(world.offer_a.name)["phone"]
    assert client_as("planner").post(u("offering_edit", world, uuid=world.offer_a.uuid), data).status_code == 302
    assert list(Schedule.objects.filter(offering=world.offer_a)) == [schedule]


def test_an_imported_rhythm_the_form_lacks_is_kept_when_another_value_changes(
    world: World, client_as: Callable[[str], Client]
) -> None:
    """HSDS rows may say "first Thursday" ("1TH"); the form offers it for that row only, and keeps it."""
    imported = Schedule.objects.create(offering=world.offer_a, freq="DAILY", byday="1TH", hsds_extra={"interval": 1})
    planner = client_as("planner")
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    form = planner.get(url).content.decode()
    assert 'value="1TH"' in form and "täglich" in form
    note = "Sprechstunde jeden 1. Donnerstag im Monat"
    response = planner.post(url, offer_post(world.offer_a, [existing(imported, description=note)], initial=1))
    assert response.status_code == 302
    imported.refresh_from_db()
    assert (imported.freq, imported.byday, imported.description, imported.hsds_extra) == (
        "DAILY",
        "1TH",
        note,
        {"interval": 1},
    )
    refused = planner.post(url, offer_post(world.offer_a, [{"freq": "DAILY", "byday": ["1TH"]}]))
    assert refused.status_code == 200
    assert Schedule.objects.filter(offering=world.offer_a).count() == 1


def test_a_foreign_schedule_id_in_the_post_never_touches_another_offer(
    world: World, client_as: Callable[[str], Client]
) -> None:
    foreign = opening(world.offer_b)
    tampered = {**OPENING, "id": foreign.pk, "offering": world.offer_a.pk, "closes_at": "12:00"}
    client_as("planner").post(
        u("offering_edit", world, uuid=world.offer_a.uuid), offer_post(world.offer_a, [tampered], initial=1)
    )
    foreign.refresh_from_db()
    assert (foreign.offering_id, foreign.closes_at) == (world.offer_b.pk, dt.time(17))
    assert all(s.uuid != foreign.uuid for s in Schedule.objects.filter(offering=world.offer_a))


# --- Träger --------------------------------------------------------------------------------------


def test_a_traegers_zeitplan_for_a_published_offer_waits_for_approval(
    world: World, client_as: Callable[[str], Client]
) -> None:
    traeger = client_as("traeger_a")
    response = traeger.post(u("offering_edit", world, uuid=world.offer_a.uuid), offer_post(world.offer_a, [OPENING]))
    assert response.status_code == 302
    assert not Schedule.objects.filter(offering=world.offer_a).exists()
    assert LINE not in public_page(world.offer_a)
    change = OfferingChange.objects.pending().get(offering=world.offer_a)
    assert change.data["schedules"] == [
        {
            "uuid": None,
            "freq": "WEEKLY",
            "byday": "MO,TU,WE,TH,FR",
            "opens_at": "06:00:00",
            "closes_at": "17:00:00",
            "valid_from": None,
            "valid_to": None,
            "description": "",
        }
    ]
    assert OfferingChange.objects.get(pk=world.change_a.pk).state == ChangeState.REJECTED  # replaced by the newer

    planner = client_as("planner")
    queue = planner.get(u("review_queue", world)).content.decode()
    assert "Zeitpläne" in queue and LINE in queue
    detail = planner.get(u("change_detail", world, pk=change.pk)).content.decode()
    assert "Zeitpläne" in detail and LINE in detail
    assert planner.post(u("change_approve", world, pk=change.pk)).status_code == 302
    assert Schedule.objects.get(offering=world.offer_a).byday == "MO,TU,WE,TH,FR"
    assert LINE in public_page(world.offer_a)
    approved = AuditEntry.objects.get(object_id=str(world.offer_a.uuid), action="change_approved")
    assert approved.changes["schedules"] == [None, LINE]


def test_a_traegers_change_of_a_published_zeitplan_keeps_its_id_and_can_delete_it(
    world: World, client_as: Callable[[str], Client]
) -> None:
    schedule = opening(world.offer_a)
    traeger, planner = client_as("traeger_a"), client_as("planner")
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    traeger.post(url, offer_post(world.offer_a, [existing(schedule, closes_at="16:00")], initial=1))
    change = OfferingChange.objects.pending().get(offering=world.offer_a)
    assert change.data["schedules"][0]["uuid"] == str(schedule.uuid)
    assert Schedule.objects.get(pk=schedule.pk).closes_at == dt.time(17)  # public version unchanged
    planner.post(u("change_approve", world, pk=change.pk))
    assert Schedule.objects.get(pk=schedule.pk).closes_at == dt.time(16)

    traeger.post(url, offer_post(world.offer_a, [existing(schedule, closes_at="16:00", DELETE="on")], initial=1))
    deletion = OfferingChange.objects.pending().get(offering=world.offer_a)
    assert deletion.data["schedules"] == []
    assert Schedule.objects.filter(pk=schedule.pk).exists()
    planner.post(u("change_approve", world, pk=deletion.pk))
    assert not Schedule.objects.filter(pk=schedule.pk).exists()


def test_the_edit_page_shows_the_open_proposals_zeitplaene_and_saving_again_keeps_them(
    world: World, client_as: Callable[[str], Client]
) -> None:
    schedule = opening(world.offer_a)
    traeger = client_as("traeger_a")
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    proposal = [existing(schedule, DELETE="on"), {**OPENING, "byday": ["MO", "TH"]}]
    traeger.post(url, offer_post(world.offer_a, proposal, initial=1))
    form = traeger.get(url).content.decode()
    assert 'name="schedules-0-DELETE" class="kern-form-check__checkbox" id="id_schedules-0-DELETE" checked' in form
    assert 'name="schedules-1-byday" value="TH" id="id_schedules-1-byday_3" checked' in form
    # Sent back as shown (the proposed new row is not an "empty extra row"): the proposal stays the same.
    shown = [existing(schedule, DELETE="on"), {**OPENING, "byday": ["MO", "TH"]}, {}]
    before = OfferingChange.objects.pending().get(offering=world.offer_a).data["schedules"]
    traeger.post(url, offer_post(world.offer_a, shown, initial=1))
    assert OfferingChange.objects.pending().get(offering=world.offer_a).data["schedules"] == before
    assert [r["byday"] for r in before] == ["MO,TH"]


def test_a_traeger_edits_the_zeitplaene_of_its_pending_offer_directly(
    world: World, client_as: Callable[[str], Client]
) -> None:
    response = client_as("traeger_a").post(
        u("offering_edit", world, uuid=world.pending_a.uuid), offer_post(world.pending_a, [OPENING])
    )
    assert response.status_code == 302
    assert Schedule.objects.filter(offering=world.pending_a).count() == 1
    assert Offering.objects.get(pk=world.pending_a.pk).review_state == ReviewState.PENDING
    assert not OfferingChange.objects.filter(offering=world.pending_a).exists()
    entry = AuditEntry.objects.get(object_id=str(world.pending_a.uuid), action="resubmitted")
    assert entry.changes == {"schedules": [None, LINE]}


def test_an_unchanged_zeitplan_is_no_proposal(world: World, client_as: Callable[[str], Client]) -> None:
    schedule = opening(world.offer_a)
    OfferingChange.objects.filter(pk=world.change_a.pk).update(state=ChangeState.REJECTED)
    response = client_as("traeger_a").post(
        u("offering_edit", world, uuid=world.offer_a.uuid), offer_post(world.offer_a, [existing(schedule)], initial=1)
    )
    assert response.status_code == 302
    assert not OfferingChange.objects.pending().filter(offering=world.offer_a).exists()


# --- bad input -----------------------------------------------------------------------------------

BAD_ROWS = [
    ({**OPENING, "opens_at": "17:00", "closes_at": "06:00"}, "„bis“ muss nach „von“ liegen."),
    ({**OPENING, "opens_at": "06:00", "closes_at": "06:00"}, "„bis“ muss nach „von“ liegen."),
    ({**OPENING, "opens_at": ""}, "Bitte geben Sie auch an, ab wann („von“) das Angebot offen ist."),
    ({**OPENING, "valid_from": "2025-09-01", "valid_to": "2025-08-31"}, "„gültig bis“ darf nicht vor „gültig ab“"),
    ({**OPENING, "byday": []}, "mindestens einen Wochentag"),
    ({**OPENING, "byday": ["XX"]}, "gültige Auswahl"),
    ({**OPENING, "freq": "YEARLY"}, "gültige Auswahl"),
    ({**OPENING, "opens_at": "25:99"}, "gültige Uhrzeit"),
    ({**OPENING, "valid_from": "31.02.2025"}, "gültiges Datum"),
    ({**OPENING, "description": "Mo–Fr\x00"}, "Nullzeichen sind nicht erlaubt."),
    ({**OPENING, "description": "Öffnungszeit " * 1000}, "höchstens 10000 Zeichen"),
]


def counts() -> tuple[int, ...]:
    return (
        Schedule.objects.count(),
        OfferingChange.objects.count(),
        AuditEntry.objects.count(),
        Offering.objects.count(),
    )


def refused(client: Client, url: str, data: dict[str, Any], message: str) -> None:
    before = counts()
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert message in text, text[:2000]
    assert "<script>alert" not in text
    assert counts() == before


# Every case as planner (saved directly); a few as Träger A too (a proposal): the same form checks both.
BAD_CASES = [("planner", bad, message) for bad, message in BAD_ROWS] + [
    ("traeger_a", bad, message) for bad, message in (BAD_ROWS[0], BAD_ROWS[3], BAD_ROWS[4], BAD_ROWS[9])
]


@pytest.mark.parametrize(("persona", "bad", "message"), BAD_CASES, ids=[f"{p}-{m}" for p, _r, m in BAD_CASES])
def test_a_bad_zeitplan_is_refused_in_german_and_nothing_is_saved(
    persona: str, bad: dict[str, Any], message: str, world: World, client_as: Callable[[str], Client]
) -> None:
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    refused(client_as(persona), url, offer_post(world.offer_a, [bad]), message)


def test_an_emptied_stored_zeitplan_asks_to_fill_or_delete_it(world: World, client_as: Callable[[str], Client]) -> None:
    schedule = opening(world.offer_a)
    empty = existing(schedule, freq="", byday=[], opens_at="", closes_at="", description="")
    url = u("offering_edit", world, uuid=world.offer_a.uuid)
    refused(client_as("planner"), url, offer_post(world.offer_a, [empty], initial=1), "markieren Sie ihn zum Löschen")


@pytest.mark.parametrize(
    ("management", "message"),
    [
        ({"schedules-TOTAL_FORMS": "1"}, "unvollständig angekommen"),
        ({"schedules-TOTAL_FORMS": "viele", "schedules-INITIAL_FORMS": "0"}, "unvollständig angekommen"),
        ({"schedules-TOTAL_FORMS": "1000000", "schedules-INITIAL_FORMS": "0"}, "höchstens 20 Zeitpläne"),
    ],
)
def test_a_broken_or_oversized_zeitplaene_part_is_refused(
    management: dict[str, str], message: str, world: World, client_as: Callable[[str], Client]
) -> None:
    data = {k: v for k, v in offer_post(world.offer_a, []).items() if not k.startswith("schedules-")}
    data.update(management)
    refused(client_as("planner"), u("offering_edit", world, uuid=world.offer_a.uuid), data, message)


def test_hostile_text_in_a_note_is_stored_as_typed_and_shown_escaped(
    world: World, client_as: Callable[[str], Client]
) -> None:
    planner = client_as("planner")
    planner.post(
        u("offering_edit", world, uuid=world.offer_a.uuid),
        offer_post(world.offer_a, [{**OPENING, "description": HOSTILE}]),
    )
    assert Schedule.objects.get(offering=world.offer_a).description == HOSTILE
    for page in (
        planner.get(u("offering_detail", world, uuid=world.offer_a.uuid)),
        Client().get(reverse("portal:offer_detail", kwargs={"uuid": world.offer_a.uuid})),
    ):
        text = page.content.decode()
        assert "&lt;script&gt;alert(" in text and "<script>alert(" not in text


def test_the_form_is_accessible_one_fieldset_and_legend_per_row(
    world: World, client_as: Callable[[str], Client]
) -> None:
    opening(world.offer_a)
    page = client_as("planner").get(u("offering_edit", world, uuid=world.offer_a.uuid)).content.decode()
    for text in (
        '<legend class="kern-label">Zeitplan 1</legend>',
        '<legend class="kern-label">Zeitplan 2 (neu)</legend>',
        '<legend class="kern-label">Wochentage</legend>',
        '<label class="kern-label" for="id_schedules-0-freq">Rhythmus</label>',
        '<label class="kern-label" for="id_schedules-0-opens_at">Von</label>',
        '<label class="kern-label" for="id_schedules-0-closes_at">Bis</label>',
        '<label class="kern-label" for="id_schedules-0-valid_from">Gültig ab</label>',
        '<label class="kern-label" for="id_schedules-0-valid_to">Gültig bis</label>',
        '<label class="kern-label" for="id_schedules-0-description">Hinweis</label>',
        '<label class="kern-label" for="id_schedules-0-DELETE">Diesen Zeitplan löschen</label>',
        '<label class="kern-label" for="id_schedules-0-byday_0">Mo</label>',
        '<label class="kern-label" for="id_schedules-0-byday_6">So</label>',
        'type="time"',
        'type="date"',
    ):
        assert text in page, text
    assert "id_schedules-1-DELETE" not in page  # the empty extra row needs no delete box
    assert "style=" not in page
