from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "renda.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        from renda.accounts import security  # noqa: F401  (registers the security settings)
