"""Numbers in request parameters (ids, years, counts), read as the forms send them.

`is_number(raw)`: the parameter is a whole number that `int()` reads and a database column holds — decimal digits
only (not "²", which str.isdigit() accepts and int() refuses) and at most MAX_DIGITS of them (not 4,301 digits,
past which int() refuses a string: CPython's limit on converting long digit strings). Anything else is read as "not
given", never a server error.
"""

from __future__ import annotations

MAX_DIGITS = 18  # a 64-bit integer column holds every number of 18 digits


def is_number(raw: object) -> bool:
    return isinstance(raw, str) and 0 < len(raw) <= MAX_DIGITS and raw.isascii() and raw.isdecimal()
