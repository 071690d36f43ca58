"""[setting] values of the working-day calendar."""

from renda.core.settings_registry import SettingSpec, register

register(
    SettingSpec("workdays.day_counting", "按日计算的期限", "working", kind="choice", group="期限",
                choices=(("working", "按工作日（法定节假日与调休）"), ("calendar", "按自然日")),
                source="DOMAIN.md §3：期限可按工作日计算，工作日依国务院公布的节假日与调休安排"),
)
