from django.urls import path

from renda.meetings import compliance_views, display_views, materials_views, phone_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/requesters/", views.session_requesters, name="session_requesters"),
    path("compliance/", compliance_views.compliance, name="compliance"),
    path("absences/", materials_views.absence_proposals, name="absences"),
    path("<int:pk>/", views.meeting_run, name="run"),
    path("<int:pk>/live/", views.meeting_live, name="live"),
    path("<int:pk>/do/<slug:action>/", views.meeting_action, name="action"),
    path("<int:pk>/me/", phone_views.phone, name="phone"),
    path("<int:pk>/me/sign_in/", phone_views.phone_sign_in, name="phone_sign_in"),
    path("<int:pk>/me/leave/", phone_views.phone_leave, name="phone_leave"),
    path("<int:pk>/me/notices/<int:notice_id>/", phone_views.phone_notice, name="phone_notice"),
    path("<int:pk>/me/votes/<int:vote_id>/", phone_views.phone_vote, name="phone_vote"),
    path("<int:pk>/checkin/<str:token>/", phone_views.checkin, name="checkin"),
    path("votes/<int:vote_id>/receipts/", phone_views.receipts, name="receipts"),
    path("elections/<int:pk>/", views.election_page, name="election"),
    path("documents/<int:pk>/file/", materials_views.document_file, name="document_file"),
    path("notices/<int:pk>/receipts/", materials_views.notice_receipts, name="notice_receipts"),
    path("display/<str:token>/", display_views.display, name="display"),
    path("display/<str:token>/live/", display_views.display_live, name="display_live"),
]
