"""[setting] values of DOMAIN.md §2 (organisation)."""

from renda.core.settings_registry import SettingSpec, register

register(
    SettingSpec("org.presidium_min", "主席团最少人数", 7, group="组织", min_value=3, max_value=15,
                source="DOMAIN.md §2：主席团 7–13 人"),
    SettingSpec("org.presidium_max", "主席团最多人数", 13, group="组织", min_value=3, max_value=15,
                source="DOMAIN.md §2：代表超过 100 人的不超过 15 人"),
    SettingSpec("org.term_years", "每届任期（年）", 5, group="组织", min_value=1, max_value=10,
                source="宪法第九十八条：县、乡两级人大每届任期五年"),
)
