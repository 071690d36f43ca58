from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "renda.web"
    label = "web"
    verbose_name = "页面"
