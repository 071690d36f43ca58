"""The public portal at /portal/: no login, its own simple and accessible design."""

from django.urls import path

from renda.liaison import portal_views as views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("text-size/", views.text_size, name="text_size"),
    path("place/<int:region_id>/", views.place, name="place"),
    path("stations/<int:station_id>/", views.station, name="station"),
    path("opinions/new/", views.opinion_new, name="opinion_new"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_code, name="track_code"),
    path("track/<str:code>/evaluate/", views.evaluate, name="evaluate"),
    path("replies/", views.replies, name="replies"),
]
