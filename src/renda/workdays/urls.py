from django.urls import path

from renda.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.years, name="years"),
    path("<int:year>/", views.year, name="year"),
]
