"""Zeitpläne: German wording, JSON form, checks, and the services that save or propose them.

Opening times are real rows of data/offers/hildburghausen/offers.csv: Kita
„Farbkleckse“ (offer_a) "Öffnungszeit Mo–Fr 6–17 Uhr"; Seniorenbeirat
Hildburghausen "Sprechstunde jeden 1. Donnerstag im Monat".
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.core.exceptions import ValidationError

from conftest import Personas
from sozialplan.audit.models import AuditEntry
from sozialplan.offerings import services
from sozialplan.offerings.models import OfferingChange, Schedule
from sozialplan.offerings.schedules import (
    MAX_SCHEDULES,
    ScheduleData,
    describe,
    row_of,
    rows_from_json,
    rows_to_json,
    summary,
    validate_rows,
)
from sozialplan.offerings.services import EditOutcome
from sozialplan.offerings.tests.workflow_data import TAFEL_EISFELD, World, row


def data(**values: object) -> ScheduleData:
    base: dict[str, object] = {
        "uuid": None,
        "freq": "",
        "byday": "",
        "opens_at": None,
        "closes_at": None,
        "valid_from": None,
        "valid_to": None,
        "description": "",
    }
    base.update(values)
    return cast(ScheduleData, base)


OPENING = data(freq="WEEKLY", byday="MO,TU,WE,TH,FR", opens_at=dt.time(6), closes_at=dt.time(17))
SPRECHSTUNDE = data(freq="MONTHLY", byday="TH", description="Sprechstunde jeden 1. Donnerstag im Monat")


@pytest.mark.parametrize(
    ("row_data", "text"),
    [
        (OPENING, "wöchentlich Montag, Dienstag, Mittwoch, Donnerstag, Freitag 06:00–17:00 Uhr"),
        (SPRECHSTUNDE, "monatlich Donnerstag: Sprechstunde jeden 1. Donnerstag im Monat"),
        (data(opens_at=dt.time(6, 30)), "ab 06:30 Uhr"),
        (data(closes_at=dt.time(17)), "bis 17:00 Uhr"),
        (data(freq="DAILY", byday="1TH"), "täglich Donnerstag"),
        (
            data(freq="WEEKLY", byday="MO", valid_from=dt.date(2025, 9, 1), valid_to=dt.date(2026, 7, 31)),
            "wöchentlich Montag (gültig vom 01.09.2025 bis 31.07.2026)",
        ),
        (data(valid_from=dt.date(2025, 9, 1)), "(gültig ab 01.09.2025)"),
        (data(valid_to=dt.date(2026, 7, 31)), "(gültig bis 31.07.2026)"),
        (data(), ""),
    ],
)
def test_a_zeitplan_reads_as_one_german_line(row_data: ScheduleData, text: str) -> None:
    assert describe(row_data) == text


def test_the_summary_does_not_depend_on_row_order() -> None:
    assert summary([OPENING, SPRECHSTUNDE]) == summary([SPRECHSTUNDE, OPENING])
    assert summary([]) == ""


def test_the_json_form_is_canonical_and_round_trips() -> None:
    first = data(**{**OPENING, "uuid": "b0000000-0000-4000-8000-000000000000"})
    second = data(**{**SPRECHSTUNDE, "uuid": "a0000000-0000-4000-8000-000000000000"})
    new = data(**OPENING)
    assert rows_to_json([first, second, new]) == rows_to_json([new, second, first])
    assert [r["uuid"] for r in rows_to_json([first, new, second])] == [second["uuid"], first["uuid"], None]
    assert rows_from_json(rows_to_json([first, new])) == [first, new]


def test_malformed_json_rows_are_dropped_or_emptied_never_raised() -> None:
    rows = rows_from_json([{"uuid": 7, "opens_at": "25:99", "valid_from": 20250901, "freq": ["WEEKLY"]}, "x", None])
    assert rows == [data()]
    assert rows_from_json("kaputt") == rows_from_json(None) == []


def test_validation_names_the_row_in_german(world: World) -> None:
    bad = data(**{**OPENING, "opens_at": dt.time(17), "closes_at": dt.time(6)})
    assert validate_rows(world.offer_a, [OPENING, bad]) == ["Zeitplan 2: „bis“ muss nach „von“ liegen."]
    assert validate_rows(world.offer_a, [OPENING] * (MAX_SCHEDULES + 1)) == [
        "Ein Angebot kann höchstens 20 Zeitpläne haben."
    ]
    stored = Schedule.objects.create(offering=world.offer_a, freq="WEEKLY", byday="MO")
    twice = row_of(stored)
    assert validate_rows(world.offer_a, [twice, twice]) == ["Zeitplan 2 ist doppelt angegeben."]
    assert validate_rows(world.offer_a, [data(freq="WEEKLY")]) == [
        "Zeitplan 1: Bitte wählen Sie für einen wöchentlichen Zeitplan mindestens einen Wochentag."
    ]


# --- services ------------------------------------------------------------------------------------


def test_a_traegers_new_offer_keeps_its_zeitplaene_and_audits_them(world: World, people: Personas) -> None:
    name = row(TAFEL_EISFELD)["name"]
    offer = services.submit_new_offering(people.traeger_a, world.provider_a, {"name": name, "schedules": [OPENING]})
    assert [describe(s) for s in offer.schedules.all()] == [describe(OPENING)]
    entry = AuditEntry.objects.get(object_id=str(offer.uuid), action="submitted")
    assert entry.changes["schedules"] == [None, describe(OPENING)]


def test_the_same_zeitplaene_in_another_order_are_no_proposal(world: World, people: Personas) -> None:
    first = row_of(Schedule.objects.create(offering=world.offer_a, freq="WEEKLY", byday="MO,TU,WE,TH,FR"))
    second = row_of(Schedule.objects.create(offering=world.offer_a, freq="MONTHLY", byday="TH"))
    assert services.propose_offering_change(people.traeger_a, world.offer_a, {"schedules": [second, first]}) is None
    outcome = services.save_offering_edit(people.traeger_a, world.offer_a, {"schedules": [second, first]})
    assert outcome == EditOutcome.UNCHANGED


def test_approving_a_proposal_for_a_zeitplan_deleted_meanwhile_creates_a_new_one(
    world: World, people: Personas
) -> None:
    stored = Schedule.objects.create(offering=world.offer_a, freq="WEEKLY", byday="MO,TU,WE,TH,FR")
    proposed = data(**{**row_of(stored), "opens_at": dt.time(6), "closes_at": dt.time(17)})
    change = services.propose_offering_change(people.traeger_a, world.offer_a, {"schedules": [proposed]})
    assert change is not None
    stored.delete()  # a planner removed it before deciding
    diff = services.proposal_diff(change)
    assert diff["schedules"] == ["", describe(OPENING)]
    services.approve_change(people.planner, change)
    (created,) = Schedule.objects.filter(offering=world.offer_a)
    assert created.uuid != stored.uuid
    assert describe(created) == describe(OPENING)


def test_a_stored_proposal_with_a_bad_zeitplan_is_refused_on_approval(world: World, people: Personas) -> None:
    bad = rows_to_json([data(**{**OPENING, "opens_at": dt.time(17), "closes_at": dt.time(6)})])
    change = OfferingChange.objects.create(
        offering=world.offer_a, data={"schedules": bad}, submitted_by=people.traeger_a
    )
    with pytest.raises(ValidationError) as refused:
        services.approve_change(people.planner, change)
    assert refused.value.message_dict == {"schedules": ["Zeitplan 1: „bis“ muss nach „von“ liegen."]}
    assert not Schedule.objects.filter(offering=world.offer_a).exists()


def test_a_rejected_zeitplan_proposal_is_in_the_trail_and_changes_nothing(world: World, people: Personas) -> None:
    change = services.propose_offering_change(people.traeger_a, world.offer_a, {"schedules": [OPENING]})
    assert change is not None
    services.reject_change(people.planner, change, "Bitte die Zeiten mit der Kita abstimmen.")
    assert not Schedule.objects.filter(offering=world.offer_a).exists()
    entry = AuditEntry.objects.get(object_id=str(world.offer_a.uuid), action="change_rejected")
    assert entry.changes == {"schedules": ["", describe(OPENING)]}


def test_weekdays_in_another_order_are_no_change(world: World, people: Personas) -> None:
    """An imported "TH,MO" comes back from the form as "MO,TH": that is no proposal."""
    stored = row_of(Schedule.objects.create(offering=world.offer_a, freq="WEEKLY", byday="TH,MO"))
    same = data(**{**stored, "byday": "MO,TH"})
    assert services.propose_offering_change(people.traeger_a, world.offer_a, {"schedules": [same]}) is None
