"""[setting] values of DOMAIN.md §5 (sessions, votes, elections), with their documented defaults."""

from renda.core.settings_registry import SettingSpec, register

GROUP = "会议表决"

AGENDA_DEFAULT = ["government_report", "presidium_report", "budget"]

register(
    SettingSpec("meetings.session_min_days", "每次会议最少会期（天）", 2, group=GROUP, min_value=1, max_value=10,
                source="DOMAIN.md §5：乡镇人代会每次会期不少于 2 天（种子文章 000/003）"),
    SettingSpec("meetings.show_results", "记名表决结果显示时机", "after_close", kind="choice", group=GROUP,
                choices=(("after_close", "表决结束后显示"), ("live", "表决中实时显示")),
                help="无记名表决在结束前一律只显示已投票人数", source="DOMAIN.md §5：结果即时或结束后显示"),
    SettingSpec("meetings.presidium_recess_per_year", "闭会期间主席团会议每年最少次数", 4, group=GROUP,
                min_value=0, max_value=12, source="DOMAIN.md §5：闭会期间主席团每季度召开一次"),
    SettingSpec("meetings.required_agenda_items", "每年会议必备议程", AGENDA_DEFAULT, kind="list", group=GROUP,
                help="议程类型代码：government_report、presidium_report、budget、election、decision、bill、"
                     "livelihood_projects 等", source="DOMAIN.md §5：议程项目"),
    SettingSpec("meetings.ratio_head_extra_min", "正职候选人最少多于应选（人）", 1, group=GROUP, min_value=0,
                max_value=5, source="DOMAIN.md §5：正职一般多一人差额选举"),
    SettingSpec("meetings.ratio_head_extra_max", "正职候选人最多多于应选（人）", 1, group=GROUP, min_value=0,
                max_value=5, source="DOMAIN.md §5：正职一般多一人差额选举"),
    SettingSpec("meetings.ratio_deputy_head_extra_min", "副职候选人最少多于应选（人）", 1, group=GROUP,
                min_value=0, max_value=10, source="DOMAIN.md §5：副职多一至三人"),
    SettingSpec("meetings.ratio_deputy_head_extra_max", "副职候选人最多多于应选（人）", 3, group=GROUP,
                min_value=0, max_value=10, source="DOMAIN.md §5：副职多一至三人"),
    SettingSpec("meetings.ratio_indirect_min_percent", "间接选举候选人最少多于应选（%）", 20, group=GROUP,
                min_value=0, max_value=100, source="DOMAIN.md §5：间接选举多五分之一至二分之一"),
    SettingSpec("meetings.ratio_indirect_max_percent", "间接选举候选人最多多于应选（%）", 50, group=GROUP,
                min_value=0, max_value=100, source="DOMAIN.md §5：间接选举多五分之一至二分之一"),
    SettingSpec("meetings.unsatisfied_fail_percent", "满意度测评不满意票超过（%）即为不满意", 50, group=GROUP,
                min_value=1, max_value=99, source="DOMAIN.md §7：不满意票过半的须重新报告"),
)
