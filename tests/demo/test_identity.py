"""The demo's fake identity numbers follow GB 11643-1999: checksum, birth date, gender digit."""

from __future__ import annotations

import random
from datetime import date

from renda.demo import identity
from renda.demo.people import People
from renda.organizations.models import Region


def test_check_character_of_the_standard_example():
    # The worked example of GB 11643-1999 (its checksum is X).
    assert identity.is_valid_id_number("11010519491231002X")
    assert not identity.is_valid_id_number("110105194912310021")
    assert identity.check_char("11010519491231002") == "X"


def test_id_number_carries_birth_date_and_gender_and_a_valid_check_character():
    rng = random.Random(1)
    for gender in ("male", "female"):
        for _ in range(200):
            born = date.fromordinal(date(1960, 1, 1).toordinal() + rng.randint(0, 14000))
            value = identity.id_number(rng, area="439921", birth_date=born, gender=gender)
            assert identity.is_valid_id_number(value)
            assert identity.birth_of(value) == born
            assert identity.gender_of(value) == gender
            assert value.startswith("439921")


def test_invalid_dates_and_lengths_are_refused():
    assert not identity.is_valid_id_number("43992119490231002X")  # born on 31 February
    assert not identity.is_valid_id_number("4399211949123100")


def test_phone_numbers_have_eleven_digits_starting_with_1():
    rng = random.Random(2)
    for _ in range(200):
        phone = identity.phone_number(rng)
        assert len(phone) == 11 and phone.isdigit() and phone[0] == "1"


def test_the_same_seed_drafts_the_same_people():
    village = Region(name="柳树村", level="village")

    def drafts(seed: int) -> list[tuple[str, str, date, str, str]]:
        people = People(random.Random(seed))
        for _ in range(30):
            people.draft(region=village, township="青山镇")
        people.finalize()
        return [(d.name, d.gender, d.birth_date, d.post, d.id_number) for d in people.drafts]

    assert drafts(7) == drafts(7)
    assert drafts(7) != drafts(8)
