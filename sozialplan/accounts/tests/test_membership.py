"""A Träger membership binds a person to one Träger of one district."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from sozialplan.accounts.models import Membership, Role
from sozialplan.accounts.rules import is_provider_member
from sozialplan.offerings.models import Offering, Provider
from sozialplan.regions.models import District

pytestmark = pytest.mark.django_db


def test_it_refuses_a_traeger_of_another_district(district: District, other_district: District) -> None:
    foreign = Provider.objects.create(district=other_district, name="Träger des Ilm-Kreises (Testfall)")
    user = User.objects.create_user("traeger-x")
    membership = Membership(user=user, district=district, role=Role.PROVIDER, provider=foreign)
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_a_mismatched_membership_grants_no_rights(district: District, other_district: District) -> None:
    foreign = Provider.objects.create(district=other_district, name="Träger des Ilm-Kreises (Testfall)")
    offer = Offering.objects.create(
        district=other_district, provider=foreign, name="Angebot des Ilm-Kreises (Testfall)"
    )
    user = User.objects.create_user("traeger-x")
    # Written around clean(), as a wrong admin entry or script could.
    Membership.objects.create(user=user, district=district, role=Role.PROVIDER, provider=foreign)
    assert not is_provider_member(user, offer)


def test_it_refuses_a_planner_bound_to_a_traeger(district: District, provider_a: Provider) -> None:
    user = User.objects.create_user("planer-x")
    with pytest.raises(ValidationError):
        Membership(user=user, district=district, role=Role.PLANNER, provider=provider_a).full_clean()
