from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "renda.insights"
    label = "insights"
    verbose_name = "文本智能"

    def ready(self) -> None:
        from renda.insights import settings_specs  # noqa: F401  (registers the [setting] values)
