from django.apps import AppConfig


class LiaisonConfig(AppConfig):
    name = "renda.liaison"
    label = "liaison"
    verbose_name = "联络站"
