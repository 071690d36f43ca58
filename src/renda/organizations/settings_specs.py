"""[setting] values of DOMAIN.md §2 (organisation)."""

from renda.core.settings_registry import SettingSpec, register

# The nine domains of seed 002 (代表议政收集的建议所涉领域): one list per congress classifies deputies' suggestions,
# constituents' opinions and the text engine's proposals alike.
CATEGORIES_DEFAULT = ["工业经济", "营商环境", "民生事业", "城建交通", "教科文卫", "农业农村", "环境保护",
                      "社会保障", "扶贫脱贫"]

register(
    SettingSpec("org.presidium_min", "主席团最少人数", 7, group="组织", min_value=3, max_value=15,
                source="DOMAIN.md §2：主席团 7–13 人"),
    SettingSpec("org.presidium_max", "主席团最多人数", 13, group="组织", min_value=3, max_value=15,
                source="DOMAIN.md §2：代表超过 100 人的不超过 15 人"),
    SettingSpec("org.term_years", "每届任期（年）", 5, group="组织", min_value=1, max_value=10,
                source="宪法第九十八条：县、乡两级人大每届任期五年"),
    SettingSpec("org.categories", "议题分类", CATEGORIES_DEFAULT, kind="list", group="组织",
                help="代表建议、群众意见和智能分类共用这一份分类；每行或以逗号分隔一项",
                source="seed 002：代表议政收集的建议所涉九个领域"),
)
