"""Numbers in request parameters (ids, years, counts), read as the forms send them.

`number(raw, default, lo=, hi=)`: the parameter as an int when is_number(raw) (and within lo…hi when given),
otherwise `default`.

`is_number(raw)`: the parameter is a whole number that `int()` reads and a database column holds — decimal digits
only (not "²", which str.isdigit() accepts and int() refuses) and at most MAX_DIGITS of them (not 4,301 digits,
past which int() refuses a string: CPython's limit on converting long digit strings). Anything else is read as "not
given", never a server error.
"""

from __future__ import annotations

from typing import overload

MAX_DIGITS = 18  # a 64-bit integer column holds every number of 18 digits


def is_number(raw: object) -> bool:
    return isinstance(raw, str) and 0 < len(raw) <= MAX_DIGITS and raw.isascii() and raw.isdecimal()


@overload
def number(raw: object, default: int, *, lo: int | None = None, hi: int | None = None) -> int: ...


@overload
def number(raw: object, default: None = None, *, lo: int | None = None, hi: int | None = None) -> int | None: ...


def number(raw: object, default: int | None = None, *, lo: int | None = None, hi: int | None = None) -> int | None:
    if not is_number(raw):
        return default
    value = int(str(raw))
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return default
    return value
