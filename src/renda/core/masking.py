"""How personal data looks in lists: ID first 6 + last 4, phone 3 + **** + 4; and free text shown in lists, on
the portal or in exports with anything like a phone or ID number masked, and the writer's own name and phone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str | None) -> str:
    """A person's name as a list shows it: its first character ("张**")."""
    return _kept(value, 1) if value else ""


def _kept(value: str, keep: int) -> str:
    return value[:keep] + "*" * (len(value) - keep)


def mask_phone(value: str | None) -> str:
    """A stored phone (digits, perhaps a leading +) as pages show it: a mobile as 138****5678; whatever its length,
    at least four characters hidden, and the first three shown only on numbers of eleven or more. Before, an
    eight-digit landline showed as 888****6666, one digit hidden: the portal's 评价 asks for the number whole, so a
    mask must leave as much to guess on a short number as on a mobile (a review's finding)."""
    if not value:
        return ""
    n = len(value)
    if n < 8:
        return "*" * n
    head = 3 if n >= 11 else 0
    tail = min(4, n - head - 4)
    return value[:head] + "*" * (n - head - tail) + value[n - tail:]


# A mobile number as people write it: 13912345678, +86 139 1234 5678, 86-139-1234-5678; an ID number, of 18
# characters or the old 15 digits; a landline (0731-88888888, 0731 8888 8888). The prefix and the separators are
# masked with the number. Not a group of a longer code joined by dashes (2026-0503-1234-5678 is an order number, not
# a landline). Full-width digits (１３９…, typed with a Chinese input method) are read as digits.
# An ID number is read by its shape (GB 11643): a province's code first (11 北京 … 65 新疆, 71 台湾, 81–83 港澳台
# residence permits), then four digits of the county, a date of birth (YYYYMMDD, or YYMMDD in the old 15-digit
# number) and three digits (and the check character). So a work order or a company's old registration number of 15
# digits (202605031234567, 430100000012345) is not one, nor is an ID number of a year 0000; one glued to letters
# (身份证ID430102198001011234) still is. Since the seventeenth session; before, any 15 or 18 digits were.
_PROVINCE = r"(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])"
_MONTH_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
# A sum of money is no phone, however many digits it has: "15000000000元", "150 0000 0000 元。", "￥13912345678"
# (since the nineteenth session; before, such a sum in a reply was masked and blocked its publication). 元 counts as
# money only where a sum's words can follow it (the end, a space or a punctuation mark, 整, 左右, 以上…): 元 is also a
# surname and begins names of places and days: "请联系13912345678元老师", "…元和路5号", "…元旦后" are phones.
_AFTER_YUAN = (r"(?:$|[\s，。、；：！？,.;:!?（）()“”\"」』》—～~/-]"
               r"|整|左右|以上|以下|多|余|的|用于|资金|每|人民币|钱|至|到|及|为|已|是)")
_NOT_MONEY_AFTER = rf"(?!\s*(?:元{_AFTER_YUAN}|万元|亿元|美元|块钱))"
_NOT_MONEY_BEFORE = r"(?<![¥￥])(?<![¥￥] )"
# Between the groups of a phone people put a dash, a long dash or a space (138—1234—5678, 0731—88888888); a dot
# too, but between a mobile number's groups only the same dot twice (138.1234.5678): 133.12345678 is a decimal, not a
# phone, while 0731.88888888 is a landline (no decimal is written with a leading 0 and three more digits). An area
# code may stand in brackets, (0731)88888888; an ID number may be written in its groups, 430102 19800101 1234
# (since the twentieth session; before, only a dash or a space between a phone's groups was read).
_SEP = r"[- .—–·]"
_JOIN = r"[-.—–·]"  # a number joined to the next or last group of a longer code (a space may end a phone)
# A mobile number spelt in Chinese numerals, as some write it to get past a filter or read it
# out (一三九一二三四五六七八, 幺三九 一二三四 五六七八); an ID number in its four groups, 430102 1980 0101 1234,
# or with dashes (since the twenty-first session: both were left unmasked before).
_CN_DIGIT = r"[〇零○一幺二三四五六七八九]"
# An e-mail address (its letters, digits and signs only: the Chinese words before it are no part of it, "请发邮箱
# abc@example.com"). Since the twenty-second session lists mask it too; before, only a publication refused it.
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PII_KINDS = [("电子邮箱", EMAIL),
             ("手机号码", re.compile(rf"{_NOT_MONEY_BEFORE}(?<![\d+])(?<!\d{_JOIN})(?:\+?86{_SEP}?)?1[3-9]\d"
                                  r"(?:(?:[- —–]?\d{4}){2}|(?P<m>[.·])\d{4}(?P=m)\d{4})"
                                  rf"(?!{_JOIN}?\d){_NOT_MONEY_AFTER}")),
             ("手机号码", re.compile(rf"(?<!{_CN_DIGIT})[一幺][三四五六七八九](?:[- —–]?{_CN_DIGIT}){{9}}"
                                  rf"(?![- —–]?{_CN_DIGIT}){_NOT_MONEY_AFTER}")),
             ("身份证号", re.compile(rf"(?<!\d){_PROVINCE}\d{{4}}(?:18|19|20)\d\d{_MONTH_DAY}\d{{3}}[\dXx](?!\d)")),
             # written in groups, but not a group of a longer code joined by dashes (HT-2026-430100-2025-1231-0001-02)
             ("身份证号", re.compile(rf"(?<!\d)(?<!\d{_JOIN}){_PROVINCE}\d{{4}}[ \-—–]?(?:18|19|20)\d\d"
                                  rf"[ \-—–]?{_MONTH_DAY}[ \-—–]?\d{{3}}[\dXx](?!\d)(?!{_JOIN}\d)")),
             ("身份证号", re.compile(rf"(?<!\d){_PROVINCE}\d{{4}}\d\d{_MONTH_DAY}\d{{3}}(?![\dXx])")),
             ("固定电话", re.compile(rf"{_NOT_MONEY_BEFORE}(?<!\d)(?<!\d{_JOIN})"
                                  rf"(?:[(（]0\d{{2,3}}[)）]\s?|0\d{{2,3}}{_SEP}?)\d{{3,4}}{_SEP}?\d{{4}}"
                                  rf"(?!{_JOIN}?\d){_NOT_MONEY_AFTER}"))]
PII_PATTERNS = [pattern for _, pattern in PII_KINDS]
# (digits and their signs only: a letter's full-width indentation, "　　", stays as written)
HALF_WIDTH = str.maketrans("０１２３４５６７８９＋－", "0123456789+-")


def scrub(text: str) -> str:
    """Mask anything that looks like an e-mail address, a phone or an ID number in text meant for the public or for a
    list (the first three characters kept, as a list shows a phone)."""
    text = text.translate(HALF_WIDTH)
    for pattern in PII_PATTERNS:
        text = pattern.sub(lambda m: _kept(m.group(0), 3), text)
    return text


def pii_found(text: str) -> list[str]:
    """What kinds of personal data (PII_KINDS' names: 电子邮箱, 手机号码, 身份证号, 固定电话) `text` still holds, each
    once."""
    text = text.translate(HALF_WIDTH)
    return list(dict.fromkeys(label for label, pattern in PII_KINDS if pattern.search(text)))


def _secret_forms(secret: str) -> list[str]:
    """How a writer's own name or phone may appear in their text: as given; a phone also without its separators and,
    for a landline given with its area code (0731-88886666), its number alone."""
    forms = [secret]
    if sum(ch.isdigit() for ch in secret) >= 7:
        digits = re.sub(r"\D", "", secret)
        last = re.split(r"[- ]", secret.strip())[-1]
        forms += [f for f in (digits, last) if len(f) >= 7 and f not in forms]
    return sorted(forms, key=len, reverse=True)


def secrets_in(text: str, secrets: Iterable[str | None]) -> list[str]:
    """Those of `secrets` (names, phones) that appear in `text` in one of the forms masker masks."""
    text = text.translate(HALF_WIDTH)
    return [s for s in secrets if s and len(s) >= 2
            and any(form in text for form in _secret_forms(s.translate(HALF_WIDTH)))]


def _is_phone(form: str) -> bool:
    """Whether a form of a secret (_secret_forms) is a phone's, not a name's."""
    return form[:1].isdigit() or form[:1] == "+"


def masker(*secrets: str | None) -> Callable[[str], str]:
    """mask_text with the names and phones `secrets` of several writers at once, one pattern for all of them: for
    the copies of a letter signed by several people, registered once per signer, each of which must hide every
    signer (liaison's Opinion.masked_together; a review's finding, the twenty-first session)."""
    forms = {form for secret in secrets if secret and len(secret) >= 2
             for form in _secret_forms(secret.translate(HALF_WIDTH))}
    # a phone only as a number of its own: its local part 8888666 is no part of 门牌号18888666号 or an order number
    pattern = re.compile("|".join(rf"(?<!\d){re.escape(f)}(?!\d)" if _is_phone(f) else re.escape(f)
                                  for f in sorted(forms, key=len, reverse=True))) if forms else None

    def one(match: re.Match[str]) -> str:
        form = match.group(0)
        return _kept(form, 3) if _is_phone(form) else mask_name(form)

    def mask(text: str) -> str:
        text = text.translate(HALF_WIDTH)
        return scrub(pattern.sub(one, text) if pattern else text)

    return mask


def mask_text(text: str, *secrets: str | None) -> str:
    """`text` as a list, an export or the portal shows it: each of `secrets` (the writer's own name and phone, as
    they gave them) masked wherever it appears — a name after its first character, a phone, as a number of its
    own, after its first three — and then anything scrub() masks (masker, for one text)."""
    return masker(*secrets)(text)
