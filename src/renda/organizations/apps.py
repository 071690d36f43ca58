from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "renda.organizations"
    label = "organizations"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from renda.organizations import settings_specs  # noqa: F401  (registers the [setting] values)
