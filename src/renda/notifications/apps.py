from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "renda.notifications"
    label = "notifications"
    verbose_name = "通知"
