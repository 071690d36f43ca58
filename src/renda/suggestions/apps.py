from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    name = "renda.suggestions"
    label = "suggestions"
    verbose_name = "建议议案"

    def ready(self) -> None:
        from renda.suggestions import settings_specs  # noqa: F401  (registers the [setting] values)
