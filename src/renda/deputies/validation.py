"""Cleaning and checking a deputy's personal data: ID number (GB 11643), mobile number, and what the record says
against what the ID says.

Each validator takes the value as a clerk or a spreadsheet gives it (full-width digits, stray spaces, a number
where text was meant) and returns the cleaned value, or raises `FieldInvalid` naming the field, a stable code and
a Chinese message. The importer collects these per row; the services let them propagate as 422 errors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from renda.core.errors import Invalid

FIELD_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "party": "政治面貌",
    "education": "文化程度",
    "occupation": "职业构成",
    "organization_post": "工作单位及职务",
    "id_number": "身份证号",
    "phone": "手机号码",
    "address": "住址",
    "district": "选区",
    "level": "代表层级",
    "group": "代表小组",
    "elected_on": "当选日期",
}


class FieldInvalid(Invalid):
    """One field of one record is wrong: `field`, a stable `code` and a Chinese `message` naming the field."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message, code=code, fields={field: [message]})
        self.field = field


def _label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


# --- text normalisation ---------------------------------------------------------------------------------------
# Full-width ASCII (U+FF01–U+FF5E) maps to U+0021–U+007E; the ideographic space to a plain space.
# Zero-width and non-breaking spaces (pasted from web pages and WeChat) become plain spaces.
_HALFWIDTH = str.maketrans({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
                           | dict.fromkeys([0x3000, 0x200B, 0x200C, 0x200D, 0xFEFF, 0x00A0], 0x20))


def to_halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def clean_text(value: Any) -> str:
    """A cell or form value as tidy text: half-width, inner runs of spaces collapsed, ends stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(to_halfwidth(str(value)).split())


_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def clean_name(value: Any) -> str:
    """A person's name: "李  四" (padded to line up with three-character names) → 李四; 阿依古丽·买买提 kept."""
    return _CJK_GAP.sub("", clean_text(value))


def _compact(value: Any) -> str:
    """Text with every space removed (ID and phone numbers are typed with spaces and dashes)."""
    return "".join(to_halfwidth(str(value)).split())


# --- ID number (GB 11643-1999) --------------------------------------------------------------------------------
# Province-level codes of GB/T 2260 (the first two digits of every administrative code).
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15",
    "21", "22", "23",
    "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46",
    "50", "51", "52", "53", "54",
    "61", "62", "63", "64", "65",
    "71", "81", "82",
})
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def id_check_char(first17: str) -> str:
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _precision_lost() -> FieldInvalid:
    return FieldInvalid(
        "id_number", "id_number_precision_lost",
        "身份证号被存成了数字，Excel 只保留 15 位有效数字，末几位已丢失：请把该列设为“文本”后重新录入")


def validate_id_number(value: Any, *, today: dt.date | None = None) -> str:
    """The 18-character ID, upper-cased, or FieldInvalid. A number from Excel (4.4E+17) has lost digits."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FieldInvalid("id_number", "id_number_required", "身份证号不能为空")
    if isinstance(value, float | Decimal):
        # A float cannot hold 18 digits: what Excel shows as 4.40106E+17 ends in zeros it made up.
        raise _precision_lost()
    from_number = isinstance(value, int) and not isinstance(value, bool)
    text = _compact(value).upper()
    if re.fullmatch(r"\d+(\.\d+)?E\+?\d+", text):
        raise _precision_lost()
    if len(text) != 18:
        raise FieldInvalid("id_number", "id_number_length",
                           f"身份证号应为 18 位，当前为 {len(text)} 位")
    if not _ID_SHAPE.match(text):
        raise FieldInvalid("id_number", "id_number_format", "身份证号只能由 17 位数字加 1 位数字或 X 组成")
    if text[:2] not in PROVINCE_CODES:
        raise FieldInvalid("id_number", "id_number_region",
                           f"身份证号前 6 位不是有效的行政区划代码（省级代码“{text[:2]}”不存在）")
    birth = _birth_date_of(text)
    today = today or dt.date.today()
    if birth is None:
        raise FieldInvalid("id_number", "id_number_birth_date",
                           f"身份证号中的出生日期“{text[6:14]}”不存在")
    if birth > today or birth.year < 1900:
        raise FieldInvalid("id_number", "id_number_birth_date",
                           f"身份证号中的出生日期“{text[6:14]}”不合理")
    if id_check_char(text[:17]) != text[17]:
        if from_number:
            raise _precision_lost()
        raise FieldInvalid("id_number", "id_number_checksum", "身份证号校验位不正确，请核对是否录错")
    return text


def _birth_date_of(id_number: str) -> dt.date | None:
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def birth_date_from_id(id_number: str) -> dt.date:
    """Birth date of a valid ID number (digits 7–14)."""
    birth = _birth_date_of(id_number)
    assert birth is not None, "validate the ID number first"
    return birth


def gender_from_id(id_number: str) -> str:
    """'male' or 'female' by the 17th digit (odd for men), per GB 11643."""
    return "male" if int(id_number[16]) % 2 else "female"


# --- mobile number --------------------------------------------------------------------------------------------
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: Any, *, field: str = "phone") -> str:
    """An 11-digit mainland mobile number starting with 1, or "" for an empty value."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _compact(value).replace("-", "")
    if not text:
        return ""
    if text.startswith("+86"):
        text = text[3:]
    elif len(text) == 13 and text.startswith("86"):
        text = text[2:]
    if not _MOBILE.match(text):
        # The value is not echoed: error lists are kept with the import job, and a near-miss is still a phone.
        raise FieldInvalid(field, "phone_format",
                           f"{_label(field)}不是有效的 11 位手机号码（应以 1 开头，当前为 {len(text)} 个字符）")
    return text


# --- what the record says against what the ID says ------------------------------------------------------------
@dataclass(frozen=True)
class PartialDate:
    """A date as rosters write it, often only to the month (1975.03, 1975年3月). `months` holds more than one
    value only for a number like 1975.1, which Excel turned out of both 1975.1 and 1975.10."""

    year: int
    months: tuple[int, ...]
    day: int | None = None

    def matches(self, date: dt.date) -> bool:
        return (date.year == self.year and date.month in self.months
                and (self.day is None or self.day == date.day))

    def as_date(self) -> dt.date:
        return dt.date(self.year, self.months[0], self.day or 1)


_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:月(?:\s*(\d{1,2})\s*日?)?|[.\-/]\s*(\d{1,2})\s*日?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _checked(year: int, months: tuple[int, ...], day: int | None) -> PartialDate | None:
    months = tuple(m for m in months if 1 <= m <= 12)
    if not months or not 1900 <= year <= 2100:
        return None
    if day is not None:
        try:
            dt.date(year, months[0], day)
        except ValueError:
            return None
    return PartialDate(year, months, day)


def parse_partial_date(value: Any) -> PartialDate | None:
    """Read a date cell: an Excel date, an Excel serial number, 1975.03 typed as a number, or text such as
    1975.03 / 1975-3-8 / 1975/03/08 / 1975年3月 / 1975年3月8日 / 197503 / 19750308. None if it is no date."""
    if isinstance(value, dt.datetime):
        return PartialDate(value.year, (value.month,), value.day)
    if isinstance(value, dt.date):
        return PartialDate(value.year, (value.month,), value.day)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if 1900 <= number < 2101 and not number.is_integer():
            # 1975.03 typed into a cell became the number 1975.03; 1975.10 became 1975.1.
            year = int(number)
            hundredths = round((number - year) * 100)
            months = (hundredths // 10, hundredths) if hundredths % 10 == 0 else (hundredths,)
            return _checked(year, months, None)
        if number.is_integer():
            return parse_partial_date(str(int(number))) if number >= 190001 else _from_serial(int(number))
        return None
    text = _compact(value)
    if not text:
        return None
    if re.fullmatch(r"\d{8}", text):
        return _checked(int(text[:4]), (int(text[4:6]),), int(text[6:]))
    if re.fullmatch(r"\d{6}", text):
        return _checked(int(text[:4]), (int(text[4:]),), None)
    match = _DATE_TEXT.match(text)
    if not match:
        return None
    day_text = match.group(3) or match.group(4)
    day = int(day_text) if day_text else None
    return _checked(int(match.group(1)), (int(match.group(2)),), day)


def _from_serial(serial: int) -> PartialDate | None:
    if not 1 <= serial <= 80000:
        return None
    date = _EXCEL_EPOCH + dt.timedelta(days=serial)
    return PartialDate(date.year, (date.month,), date.day)


def parse_date(value: Any, *, field: str) -> dt.date | None:
    """A full date (to the day) from a cell or form value, or None if empty; FieldInvalid if unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed = parse_partial_date(value)
    if parsed is None or parsed.day is None or len(parsed.months) != 1:
        raise FieldInvalid(field, f"{field}_invalid", f"{_label(field)}“{clean_text(value)}”不是有效日期")
    return parsed.as_date()


def check_birth_date(id_number: str, value: Any) -> dt.date:
    """The birth date the ID gives, after checking that the record's (if any, to its precision) agrees."""
    from_id = birth_date_from_id(id_number)
    if value is None or (isinstance(value, str) and not value.strip()):
        return from_id
    parsed = parse_partial_date(value)
    if parsed is None:
        raise FieldInvalid("birth_date", "birth_date_invalid", f"出生日期“{clean_text(value)}”无法识别")
    if not parsed.matches(from_id):
        raise FieldInvalid("birth_date", "birth_date_mismatch",
                           f"出生日期“{clean_text(value)}”与身份证号中的出生日期 {from_id:%Y-%m-%d} 不一致")
    return from_id


GENDER_WORDS = {"男": "male", "男性": "male", "male": "male", "m": "male",
                "女": "female", "女性": "female", "female": "female", "f": "female"}


def check_gender(id_number: str, value: Any) -> str:
    """The gender the ID gives, after checking that the record's (if any) agrees."""
    from_id = gender_from_id(id_number)
    text = _compact(value or "").lower()
    if not text:
        return from_id
    gender = GENDER_WORDS.get(text)
    if gender is None:
        raise FieldInvalid("gender", "gender_invalid", f"性别“{clean_text(value)}”应为“男”或“女”")
    if gender != from_id:
        label = "男" if from_id == "male" else "女"
        raise FieldInvalid("gender", "gender_mismatch", f"性别与身份证号不一致（身份证号显示为{label}）")
    return gender


# The 56 ethnic groups (GB 3304), as rosters write them.
_ETHNICITY_TEXT = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 "
    "黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 "
    "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
)
ETHNICITIES = frozenset(_ETHNICITY_TEXT.split())


def clean_ethnicity(value: Any) -> str:
    """汉 → 汉族; one of the 56 groups, or FieldInvalid. Empty stays empty (the caller keeps its default)."""
    text = _compact(value or "")
    if not text:
        return ""
    if text not in ETHNICITIES and text + "族" in ETHNICITIES:
        text += "族"
    if text not in ETHNICITIES:
        raise FieldInvalid("ethnicity", "ethnicity_unknown", f"民族“{text}”不是 56 个民族之一")
    return text
