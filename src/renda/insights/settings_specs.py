"""[setting] values of the text engine (category and unit suggestions, similar cases), each with its default."""

from __future__ import annotations

from typing import Any

from renda.core.settings_registry import SettingSpec, register
from renda.insights import terms

GROUP = "智能辅助"


def retrain_categories(congress: Any) -> None:
    """New category terms, or a new taxonomy (org.categories: a model learns only the categories in it), take
    effect at once: the category model is retrained in the background. Until then a category taken out of the
    taxonomy is never proposed (services.suggest)."""
    from renda.insights.jobs import retrain_congress

    retrain_congress.enqueue(congress.pk, "category")


def retrain_both(congress: Any) -> None:
    """A new minimum of history (in all, or per class) decides at once whether the congress gets proposals, and of
    which classes: both models are retrained in the background (removed when the history falls short of it)."""
    from renda.insights.jobs import retrain_congress
    from renda.insights.sources import KINDS

    for kind in KINDS:
        retrain_congress.enqueue(congress.pk, kind)


register(
    SettingSpec("insights.confidence_threshold", "智能建议的置信度阈值（%）", 60, group=GROUP, min_value=0,
                max_value=100,
                help="置信度低于此值时（或文中没有能说明建议的词语时）只提示“不确定”，不给出建议；各阈值下得到建议的比例和其中的正确率见“智能辅助”页面",
                source="docs/insights.md：阈值 60% 时约九成留言得到建议，其中 87%–96% 正确（TipDM 2020 实测）"),
    SettingSpec("insights.min_history", "开始提供智能建议所需的已标注条数", 50, group=GROUP, min_value=10,
                max_value=100000, help="已标注（含工作人员更正）的条目少于此数时不提供建议；修改后后台随即重新训练",
                source="常见做法：每类至少数条、总数数十条后线性模型才有参考价值", on_change=retrain_both),
    SettingSpec("insights.min_per_class", "每个类别至少的已标注条数", 5, group=GROUP, min_value=3,
                max_value=1000, help="少于此数的类别暂不参与学习，也不会被建议；修改后后台随即重新训练",
                source="概率校准使用三折交叉验证，每类至少三条；默认取五条", on_change=retrain_both),
    SettingSpec("insights.near_duplicate_threshold", "疑似重复的相似度阈值（%）", 80, group=GROUP, min_value=50,
                max_value=100, help="与已有条目的相似度达到此值时提示“疑似重复”",
                source="docs/insights.md：TipDM 2020 附件3 中相似度 0.8 以上的几乎都是同一诉求的重复提交"),
    SettingSpec("insights.category_terms", "分类细目（智能分类按此口径归类）", [], kind="lines", group=GROUP,
                help="每行一个类别，写成“类别：细目、细目”，如“卫生计生：食品安全、保健品化妆品管理、医患纠纷”。"
                     "细目与已标注的历史一起学习，使建议遵循本会的分类口径；同一细目写在两个类别下时不起作用；"
                     "修改后后台随即重新训练",
                source="docs/insights.md：以 TipDM 2020 的三级标签体系作细目，451 条原文留言宏平均 F1 0.880→0.905",
                validator=terms.validate, on_change=retrain_categories),
)
