"""The audit trail reads in German: actions, field labels and values."""

from __future__ import annotations

from sozialplan.audit.display import action_label, change_rows, field_label, object_type_label, rows_for, shown
from sozialplan.audit.models import AuditEntry


def test_actions_and_object_types_have_german_names() -> None:
    assert action_label("change_approved") == "Änderung übernommen"
    assert action_label("create") == action_label("created") == "angelegt"
    assert action_label("something-new") == "something-new"
    assert object_type_label("offering") == "Angebot"
    assert object_type_label("planningarea") == "Planungsraum"


def test_fields_are_labelled_with_the_models_verbose_names() -> None:
    assert field_label("offering", "capacity") == "Plätze / Kapazität"
    assert field_label("site", "gemeinde") == "Gemeinde"
    assert field_label("offering", "no_such_field") == "no_such_field"


def test_values_are_shown_as_german_text() -> None:
    assert shown(None) == shown("") == shown([]) == "–"
    assert (shown(True), shown(False)) == ("ja", "nein")
    assert shown(["Familien mit Kindern", "Senior:innen"]) == "Familien mit Kindern, Senior:innen"
    assert shown("x" * 600).endswith(" …")
    assert len(shown("x" * 600)) == 502


def test_choice_values_show_their_labels() -> None:
    rows = rows_for("offering", {"status": ["active", "defunct"], "review_state": ["pending", "approved"]})
    assert [(r.label, r.old, r.new) for r in rows] == [
        ("Status", "aktiv", "eingestellt"),
        ("Freigabe", "wartet auf Freigabe", "freigegeben"),
    ]


def test_an_entry_gives_one_row_per_changed_field() -> None:
    entry = AuditEntry(object_type="offering", changes={"phone": ["", "03685 700675"]})
    (row,) = change_rows(entry)
    assert (row.label, row.old, row.new) == ("Telefon", "–", "03685 700675")
