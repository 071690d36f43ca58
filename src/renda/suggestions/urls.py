from django.urls import path

from renda.suggestions.views import actions, pages, reports

app_name = "suggestions"
urlpatterns = [
    path("", pages.suggestion_list, name="list"),
    path("new/", pages.suggestion_new, name="new"),
    path("stats/", reports.stats_page, name="stats"),
    path("ledger.xlsx", reports.ledger, name="ledger"),
    path("<int:pk>/", pages.suggestion_detail, name="detail"),
    path("<int:pk>/edit/", pages.suggestion_edit, name="edit"),
    path("<int:pk>/letter/<int:round_no>/", pages.reply_letter, name="letter"),
    path("<int:pk>/<str:event>/", actions.act, name="act"),
]
