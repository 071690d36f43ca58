from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "renda.insights"
    label = "insights"
    verbose_name = "文本智能"

    def ready(self) -> None:
        from renda.insights import history, settings_specs  # noqa: F401  (registers the [setting] values)

        history.register_sources()  # suggestions' and opinions' categories and units are the labels
