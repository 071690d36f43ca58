from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "renda.insights"
    label = "insights"
    verbose_name = "文本智能"
