from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "renda.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from renda.workdays import settings_specs  # noqa: F401  (registers the [setting] values)
