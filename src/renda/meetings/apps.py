from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "renda.meetings"
    label = "meetings"
    verbose_name = "会议表决"

    def ready(self) -> None:
        from renda.meetings import settings_specs  # noqa: F401  (registers the [setting] values)
