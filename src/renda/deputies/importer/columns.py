"""The roster's vocabulary: the names counties give their columns, and the words they write in them."""

from __future__ import annotations

import re
from typing import Any

from renda.deputies import validation
from renda.deputies.models import Education, Occupation, Party

# --- the header -----------------------------------------------------------------------------------------------
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "代表姓名", "名字"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生年月", "出生日期", "出生年月日", "出生时间", "生日"),
    "party": ("政治面貌", "党派", "政治面目"),
    "education": ("文化程度", "学历", "文化程度(学历)", "学历学位", "最高学历"),
    "occupation": ("职业构成", "职业构成类别", "代表构成", "构成类别", "职业类别", "代表结构"),
    "organization_post": ("工作单位及职务", "工作单位和职务", "单位及职务", "工作单位及职务(职称)", "工作单位",
                          "单位职务"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "身份证件号码"),
    "phone": ("手机", "手机号码", "手机号", "联系电话", "电话", "联系方式", "移动电话"),
    "address": ("住址", "家庭住址", "通讯地址", "地址", "联系地址"),
    "district": ("选区", "选区名称", "所在选区", "选举单位"),
    "level": ("代表层级", "层级", "代表级别", "级别"),
    "group": ("代表小组", "所在代表小组", "小组", "所属代表小组"),
    "elected_on": ("当选日期", "当选时间"),
}
REQUIRED_COLUMNS = ("name", "id_number")
HEADER_SCAN_ROWS = 10


def norm_header(value: Any) -> str:
    text = "".join(validation.to_halfwidth(str(value or "")).split()).strip("*:：")
    return re.sub(r"\((?!学历|职称).*?\)|【.*?】", "", text)


ALIAS_TO_FIELD = {norm_header(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


# --- the words in the cells --------------------------------------------------------------------------------
def _words(choices: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {word: code for code, words in choices.items() for word in words}


PARTY_WORDS = _words({
    Party.CPC: ("中共党员", "党员", "中国共产党党员", "中共", "共产党员"),
    Party.PROBATIONARY: ("中共预备党员", "预备党员"),
    Party.CYL: ("共青团员", "团员"),
    Party.NONE: ("群众", "无党派", "无党派人士", "无", "非党"),
    Party.DEMOCRATIC: ("民主党派", "民革", "民革党员", "民盟", "民盟盟员", "民建", "民建会员", "民进", "民进会员",
                       "农工党", "农工党党员", "致公党", "致公党党员", "九三学社", "九三学社社员", "台盟", "台盟盟员"),
})
OCCUPATION_WORDS = _words({
    Occupation.WORKER: ("工人", "职工"),
    Occupation.FARMER: ("农民", "农民工"),
    Occupation.PROFESSIONAL: ("专业技术人员", "专业技术", "技术人员"),
    Occupation.CADRE: ("党政干部", "干部", "党政领导干部", "机关干部"),
    Occupation.ENTERPRISE: ("企业负责人", "企业管理人员"),
    Occupation.MILITARY: ("解放军", "军人", "武警"),
    Occupation.OTHER: ("其他", "其它"),
})
EDUCATION_PATTERNS = (
    (r"研究生|硕士|博士", Education.POSTGRADUATE),
    (r"专科|大专", Education.COLLEGE),
    (r"本科|大学", Education.BACHELOR),
    (r"中专|高中|中技|职高|技校|中职|中师", Education.SECONDARY),
    (r"初中|小学|文盲|初小", Education.JUNIOR),
)
LEVEL_WORDS = {
    "县": "county", "区": "county", "县区": "county", "县(区)": "county", "县(市、区)": "county",
    "县(市,区)": "county", "县市区": "county", "县级": "county", "县级市": "county",
    "乡": "township", "镇": "township", "乡镇": "township", "乡(镇)": "township", "乡级": "township",
    "市": "city", "地级市": "city", "设区的市": "city", "省": "province",
    "本级": "self", "上级": "parent",
}
TEXT_LIMITS = {"name": 50, "organization_post": 200, "address": 200}
