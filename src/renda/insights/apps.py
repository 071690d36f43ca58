from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "renda.insights"
    label = "insights"
    verbose_name = "文本智能"

    def ready(self) -> None:
        from renda.core.settings_registry import listen
        from renda.insights import history, settings_specs  # (registers the [setting] values)

        history.register_sources()  # suggestions' and opinions' categories and units are the labels
        listen("org.categories", settings_specs.retrain_categories)  # the taxonomy the category model learns
