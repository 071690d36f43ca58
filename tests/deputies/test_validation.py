"""ID numbers (GB 11643), mobile numbers and dates as rosters write them: each rule at its boundary."""

from __future__ import annotations

import datetime as dt

import pytest

from renda.deputies.validation import (
    FieldInvalid,
    check_birth_date,
    check_gender,
    clean_ethnicity,
    gender_from_id,
    id_check_char,
    parse_partial_date,
    validate_id_number,
    validate_mobile,
)

MALE_ID = "440106197503081234"      # born 1975-03-08, 17th digit 3 → male
X_ID = "11010519491231002X"         # checksum X, 17th digit 2 → female


def code_of(fn, *args, **kwargs) -> tuple[str, str, str]:
    with pytest.raises(FieldInvalid) as exc:
        fn(*args, **kwargs)
    return exc.value.field, exc.value.code, exc.value.message


def with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


# --- ID number ------------------------------------------------------------------------------------------------
def test_valid_id_with_x_checksum_is_accepted_and_upper_cased():
    assert validate_id_number("11010519491231002x") == X_ID


def test_id_checksum_digit_must_match_gb11643():
    field, code, message = code_of(validate_id_number, MALE_ID[:17] + "5")
    assert (field, code) == ("id_number", "id_number_checksum")
    assert "校验位" in message


def test_id_with_february_30_is_refused_even_with_a_correct_checksum():
    _field, code, message = code_of(validate_id_number, with_check("44010619880230002"))
    assert code == "id_number_birth_date"
    assert "19880230" in message


def test_id_with_february_29_of_a_leap_year_is_accepted():
    assert validate_id_number(with_check("44010619880229002")).startswith("440106198802")


def test_id_born_in_the_future_is_refused_and_born_today_accepted():
    born_2030_01_02 = with_check("44010620300102002")
    field, code, _ = code_of(validate_id_number, born_2030_01_02, today=dt.date(2030, 1, 1))
    assert (field, code) == ("id_number", "id_number_birth_date")
    assert validate_id_number(born_2030_01_02, today=dt.date(2030, 1, 2)) == born_2030_01_02


@pytest.mark.parametrize("prefix", ["00", "10", "16", "20", "24", "30", "38", "47", "55", "60", "66", "70", "80",
                                    "83", "99"])
def test_id_province_code_must_be_one_of_gb2260(prefix):
    field, code, message = code_of(validate_id_number, with_check(prefix + "0106197503081123"[:15]))
    assert (field, code) == ("id_number", "id_number_region")
    assert "行政区划" in message


@pytest.mark.parametrize("prefix", ["11", "46", "65", "71", "81", "82"])
def test_id_province_codes_at_the_edges_of_the_list_are_accepted(prefix):
    assert validate_id_number(with_check(prefix + "0106197503081123"[:15]))


def test_id_of_17_characters_names_the_length():
    field, code, message = code_of(validate_id_number, MALE_ID[:17])
    assert (field, code) == ("id_number", "id_number_length")
    assert "18 位" in message and "17" in message


def test_id_with_a_letter_inside_is_refused():
    assert code_of(validate_id_number, "44010619750308A234")[1] == "id_number_format"


def test_full_width_digits_and_stray_spaces_are_accepted():
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in MALE_ID)
    assert validate_id_number(f"  {full_width[:6]} {full_width[6:]}\u3000") == MALE_ID
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ") == X_ID


def test_id_stored_as_excel_float_lost_digits():
    field, code, message = code_of(validate_id_number, 4.40106197503081e17)
    assert (field, code) == ("id_number", "id_number_precision_lost")
    assert "文本" in message


def test_id_as_scientific_text_lost_digits():
    assert code_of(validate_id_number, "4.40106E+17")[1] == "id_number_precision_lost"


def test_id_as_int_with_valid_checksum_is_kept_but_truncated_one_is_precision_lost():
    assert validate_id_number(int(MALE_ID)) == MALE_ID
    assert code_of(validate_id_number, 440106197503081000)[1] == "id_number_precision_lost"


def test_empty_id_is_required():
    assert code_of(validate_id_number, "  ")[1] == "id_number_required"


def test_gender_and_birth_date_come_from_the_id_and_must_agree():
    assert gender_from_id(MALE_ID) == "male"
    assert gender_from_id(X_ID) == "female"
    assert check_gender(MALE_ID, "男") == "male"
    assert check_gender(MALE_ID, "") == "male"
    field, code, message = code_of(check_gender, MALE_ID, "女")
    assert (field, code) == ("gender", "gender_mismatch")
    assert "男" in message
    assert check_birth_date(MALE_ID, "1975.03") == dt.date(1975, 3, 8)
    assert check_birth_date(MALE_ID, dt.date(1975, 3, 8)) == dt.date(1975, 3, 8)
    field, code, message = code_of(check_birth_date, MALE_ID, "1975-3-9")
    assert (field, code) == ("birth_date", "birth_date_mismatch")
    assert "1975-03-08" in message
    assert code_of(check_birth_date, MALE_ID, "不详")[1] == "birth_date_invalid"


# --- mobile ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["13800138000", " 138 0013 8000 ", "138-0013-8000", "+86 13800138000",
                                 "１３８００１３８０００", 13800138000, 13800138000.0])
def test_mobile_numbers_are_normalised(raw):
    assert validate_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["1380013800", "138001380001", "23800138000", "12345678901", "0755-83001234",
                                 "1380013800a"])
def test_mobile_must_be_11_digits_starting_with_1(raw):
    field, code, message = code_of(validate_mobile, raw)
    assert (field, code) == ("phone", "phone_format")
    assert "手机号码" in message


def test_empty_mobile_is_allowed():
    assert validate_mobile("") == ""
    assert validate_mobile(None) == ""


# --- dates and words ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "year", "months", "day"), [
    ("1975.03", 1975, (3,), None), ("1975.3", 1975, (3,), None), ("1975-3-8", 1975, (3,), 8),
    ("1975/03/08", 1975, (3,), 8), ("1975年3月", 1975, (3,), None), ("1975年3月8日", 1975, (3,), 8),
    ("197503", 1975, (3,), None), ("19750308", 1975, (3,), 8), ("１９７５．０３", 1975, (3,), None),
    (1975.03, 1975, (3,), None), (1975.1, 1975, (1, 10), None), (1975.12, 1975, (12,), None),
    (27461, 1975, (3,), 8), (dt.datetime(1975, 3, 8), 1975, (3,), 8),
])
def test_roster_dates_are_read(raw, year, months, day):
    parsed = parse_partial_date(raw)
    assert parsed is not None
    assert (parsed.year, parsed.months, parsed.day) == (year, months, day)


@pytest.mark.parametrize("raw", ["1975.13", "1975.038", "1975-2-30", "不详", "75.3", ""])
def test_unreadable_dates_are_none(raw):
    assert parse_partial_date(raw) is None


def test_ethnicity_accepts_the_short_form_and_refuses_unknown():
    assert clean_ethnicity("汉") == "汉族"
    assert clean_ethnicity(" 壮族 ") == "壮族"
    assert code_of(clean_ethnicity, "火星族")[1] == "ethnicity_unknown"
