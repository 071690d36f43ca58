"""Small synthetic Chinese history for the unit tests: a few categories, each with its own vocabulary, written
in sentences the way constituents write. Deterministic (seeded)."""

from __future__ import annotations

import random

PLACES = ["幸福村", "东湖社区", "北关村", "南街社区", "石桥村", "新民村", "河口社区", "西坡村"]
VOCAB = {
    "城建交通": ["道路坑洼", "路灯不亮", "公交班次太少", "红绿灯故障", "桥梁破损", "路口拥堵", "乱停车", "人行道被占"],
    "教科文卫": ["学校食堂卫生差", "老师补课收费", "卫生院看病难", "村医缺少药品", "图书室常年关门", "学生上学路远",
             "幼儿园收费高", "医生态度差"],
    "环境保护": ["油烟扰民", "噪音扰民", "垃圾乱堆", "河道发臭", "工厂排污", "粉尘污染", "焚烧秸秆冒黑烟", "污水横流"],
    "社会保障": ["养老金未到账", "低保评定不公", "医保报销慢", "社保断缴", "高龄补贴未发", "残疾人补助取消",
             "退休工资偏低", "失业保险难领"],
}
TEMPLATES = [
    "{place}{a}的问题很严重，{b}也长期得不到解决，希望有关部门尽快处理。",
    "反映{place}{a}，群众意见很大，另外{b}，请领导重视。",
    "我是{place}的村民，{a}已经好几个月了，{b}，恳请帮助解决。",
    "关于{place}{a}的建议：{b}的情况也要一并整改。",
]


def message(category: str, rng: random.Random) -> str:
    a, b = rng.sample(VOCAB[category], 2)
    return rng.choice(TEMPLATES).format(place=rng.choice(PLACES), a=a, b=b)


def history(per_class: int = 20, seed: int = 7, categories: list[str] | None = None) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for category in categories or list(VOCAB):
        out += [(message(category, rng), category) for _ in range(per_class)]
    rng.shuffle(out)
    return out
