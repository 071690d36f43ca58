from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "renda.liaison"
    label = "liaison"
    verbose_name = "联络站"

    def ready(self) -> None:
        from renda.liaison import settings_specs  # noqa: F401  (registers the [setting] values)
