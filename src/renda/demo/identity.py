"""Fake but well-formed identity numbers (GB 11643-1999) and mobile phone numbers for the demo county.

The demo county's address code 439921 has a real province code (43), so the numbers pass the roster validation
(renda.deputies.validation), and a prefecture code (99) that no prefecture has: a demo ID number cannot be a real
person's."""

from __future__ import annotations

import random
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                  "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185", "186", "187",
                  "188", "189", "191", "199"]


def check_char(body17: str) -> str:
    """The 18th character: the weighted sum of the first 17 digits mod 11, mapped through "10X98765432"."""
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True)) % 11]


def id_number(rng: random.Random, *, area: str, birth_date: date, gender: str) -> str:
    """Address code + birth date + a 3-digit sequence whose last digit is odd for a man, even for a woman."""
    while True:
        seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "male" else (0, 2, 4, 6, 8))
        if seq:
            break
    body = f"{area}{birth_date:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def is_valid_id_number(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        birth_of(value)
    except ValueError:
        return False
    return value[17] == check_char(value[:17])


def birth_of(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_of(value: str) -> str:
    return "male" if int(value[16]) % 2 else "female"


def phone_number(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def unique_username(base: str, taken: set[str]) -> str:
    """`base`, or base2, base3 … when taken (namesakes in the order they come); the chosen name joins `taken`."""
    username, n = base, 1
    while username in taken:
        n += 1
        username = f"{base}{n}"
    taken.add(username)
    return username
