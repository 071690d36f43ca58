from django.urls import path

from renda.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("settings/", views.settings_page, name="settings"),
]
