from django.urls import path

from renda.suggestions.views import actions, pages, publication, reports, supervision

app_name = "suggestions"
urlpatterns = [
    path("", pages.suggestion_list, name="list"),
    path("new/", pages.suggestion_new, name="new"),
    path("paper/", pages.suggestion_paper, name="paper"),
    path("stats/", reports.stats_page, name="stats"),
    path("ledger.xlsx", reports.ledger, name="ledger"),
    path("supervision/", supervision.supervision_list, name="supervision"),
    path("supervision/<int:card_id>/", supervision.supervision_card, name="supervision_card"),
    path("supervision/<int:card_id>/cancel/", supervision.supervision_cancel, name="supervision_cancel"),
    path("supervision/<int:card_id>/card.docx", supervision.card_docx, name="supervision_card_docx"),
    path("supervision/<int:card_id>/letter.docx", supervision.letter_docx, name="supervision_letter_docx"),
    path("public/", publication.public_list, name="public_list"),
    path("public/<int:publication_id>/", publication.public_detail, name="public_detail"),
    path("<int:pk>/", pages.suggestion_detail, name="detail"),
    path("<int:pk>/publication/<int:round_no>/", publication.publication_edit, name="publication"),
    path("<int:pk>/edit/", pages.suggestion_edit, name="edit"),
    path("<int:pk>/letter/<int:round_no>/", pages.reply_letter, name="letter"),
    path("<int:pk>/near-duplicates/", pages.near_duplicates, name="near_duplicates"),
    path("<int:pk>/<str:event>/", actions.act, name="act"),
]
