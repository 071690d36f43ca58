from django.urls import path

from renda.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.status, name="status"),
    path("<int:congress_id>/retrain/", views.retrain, name="retrain"),
    path("assist/", views.assist, name="assist"),
    path("reply-advice/<int:suggestion_id>/", views.reply_advice, name="reply_advice"),
    path("reply-advice/opinion/<int:opinion_id>/", views.opinion_reply_advice, name="opinion_reply_advice"),
    path("hot/", views.hot_issues, name="hot"),
    path("hot/home/", views.hot_home, name="hot_home"),
    path("hot/to-suggestion/", views.hot_to_suggestion, name="hot_to_suggestion"),
    path("hot/export/", views.hot_export, name="hot_export"),
    path("archive/", views.archive_page, name="archive"),
    path("archive/<int:batch_id>/delete/", views.archive_delete, name="archive_delete"),
]
