"""Word lists of the demo county: surnames (weighted roughly by how common they are), given-name characters,
place names. Written here so the demo needs no name generator at run time."""

from __future__ import annotations

import random

# (surname, weight): the commonest hundred or so, weights in tenths of a percent of the population.
SURNAMES: list[tuple[str, int]] = [
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 46), ("杨", 32), ("黄", 25), ("赵", 23),
    ("吴", 21), ("周", 21), ("徐", 17), ("孙", 15), ("马", 15), ("朱", 14), ("胡", 13), ("郭", 12),
    ("何", 12), ("林", 11), ("高", 11), ("罗", 11), ("郑", 10), ("梁", 9), ("谢", 8), ("宋", 8),
    ("唐", 8), ("许", 7), ("韩", 7), ("邓", 7), ("冯", 7), ("曹", 7), ("彭", 6), ("曾", 6), ("肖", 6),
    ("田", 6), ("董", 6), ("潘", 5), ("袁", 5), ("蔡", 5), ("蒋", 5), ("余", 5), ("于", 5), ("杜", 5),
    ("叶", 5), ("程", 5), ("魏", 5), ("苏", 4), ("吕", 4), ("丁", 4), ("任", 4), ("卢", 4), ("姚", 4),
    ("沈", 4), ("钟", 4), ("姜", 4), ("崔", 4), ("谭", 4), ("陆", 3), ("范", 3), ("汪", 3), ("廖", 3),
    ("石", 3), ("金", 3), ("韦", 3), ("贾", 3), ("夏", 3), ("付", 3), ("方", 3), ("邹", 3), ("熊", 3),
    ("白", 3), ("孟", 3), ("秦", 3), ("邱", 3), ("侯", 3), ("江", 3), ("尹", 2), ("薛", 2), ("闫", 2),
    ("段", 2), ("雷", 2), ("龙", 2), ("黎", 2), ("史", 2), ("陶", 2), ("贺", 2), ("毛", 2), ("郝", 2),
    ("顾", 2), ("龚", 2), ("邵", 2), ("万", 2), ("覃", 2), ("武", 2), ("钱", 2), ("戴", 2), ("严", 2),
    ("欧阳", 1), ("莫", 1), ("孔", 1), ("向", 1), ("常", 1), ("汤", 1), ("康", 1), ("易", 1), ("乔", 1),
]
_SURNAME_NAMES = [s for s, _ in SURNAMES]
_SURNAME_WEIGHTS = [w for _, w in SURNAMES]

MALE_CHARS = list("伟强军勇杰涛明超华建国平刚斌辉鹏志海林波磊峰文东成新永春忠德福生龙宇浩俊飞鑫晨亮兵红庆学树立胜洪光"
                  "金祥贵荣振家兴正中卫根")
FEMALE_CHARS = list("芳娜敏静丽艳娟霞燕玲婷秀英兰梅琳红萍雪慧洁倩颖琴云凤丹莉晶月欣悦佳春华翠桂淑珍玉金彩媛蕾薇露瑶琼雯"
                    "美素爱")


def person_name(rng: random.Random, gender: str) -> str:
    surname = rng.choices(_SURNAME_NAMES, weights=_SURNAME_WEIGHTS)[0]
    chars = MALE_CHARS if gender == "male" else FEMALE_CHARS
    if rng.random() < 0.25:
        return surname + rng.choice(chars)
    first = rng.choice(chars)
    second = rng.choice([c for c in chars if c != first])
    return surname + first + second


def _words(text: str) -> list[str]:
    return text.split()


# The ten townships (镇 and 乡) and two streets of 示范县, in the order of their codes.
TOWNSHIPS: list[tuple[str, str]] = [
    ("青山镇", "town"), ("柳河镇", "town"), ("石桥镇", "town"), ("杏林镇", "town"), ("白沙镇", "town"),
    ("龙泉镇", "town"), ("桃源乡", "xiang"), ("清水乡", "xiang"), ("大坪乡", "xiang"), ("云岭乡", "xiang"),
]
STREETS = ["城关街道", "东城街道"]

VILLAGE_NAMES = _words("柳树 杨庄 王家湾 石门 高桥 东岗 西沟 南坪 北塘 李家寨 赵庄 马店 新庄 前进 红星 胜利 团结 "
                 "和平 长岭 枫树 竹林 桃园 梨园 杏花 荷塘 双河 三岔 五里 七星 九龙 白马 黄土 青龙 金鸡 凤凰 "
                 "卧龙 太平 永安 兴隆 丰收 河口 沙坪 岭南 坪上 梅子 松林 茶园 牛岭 鹿鸣 燕窝 鲤鱼 花园 "
                 "瓦窑 铁炉 盐井 油坊 磨盘 龙塘 官田 陈家坝")
COMMUNITY_NAMES = _words("东关 西关 南门 北街 文昌 新华 建设 解放 人民 滨河 育才 幸福 朝阳 明珠 锦绣 府前 "
                   "光明 春晖 金桥 花苑")

ETHNIC_MINORITIES = ["回族", "满族", "壮族", "苗族", "土家族", "蒙古族", "彝族"]

COMPANY_STEMS = ["宏达", "鑫源", "华盛", "永丰", "金桥", "恒通", "瑞丰", "新科", "兴旺", "宏远", "汇丰", "安泰"]
INDUSTRIES = ["纺织", "建材", "食品", "机械", "电子", "农产品加工", "物流", "竹木制品", "茶业", "药业"]
CROPS = ["水稻", "茶叶", "蔬菜", "果蔬", "生猪", "食用菌", "中药材", "水产", "花卉", "油茶"]


def company(rng: random.Random) -> str:
    return f"示范县{rng.choice(COMPANY_STEMS)}{rng.choice(INDUSTRIES)}有限公司"
