from django.urls import path

from renda.liaison.views import activities, deputy, opinions, stations

app_name = "liaison"
urlpatterns = [
    path("", stations.station_list, name="stations"),
    path("stations/new/", stations.station_create, name="station_create"),
    path("stations/<int:station_id>/", stations.station_detail, name="station"),
    path("stations/<int:station_id>/six-haves/", stations.station_six_haves, name="station_six_haves"),
    path("stations/<int:station_id>/assign/", stations.station_assign, name="station_assign"),
    path("stations/<int:station_id>/release/", stations.station_release, name="station_release"),
    path("stations/<int:station_id>/schedules/new/", stations.schedule_create, name="schedule_create"),
    path("stations/<int:station_id>/receptions/new/", stations.reception_create, name="reception_create"),
    path("stations/<int:station_id>/opinions/new/", opinions.opinion_new, name="opinion_new"),
    path("schedules/<int:schedule_id>/", stations.schedule_detail, name="schedule"),
    path("schedules/<int:schedule_id>/exceptions/", stations.schedule_exception, name="schedule_exception"),
    path("schedules/<int:schedule_id>/exceptions/<int:exception_id>/remove/", stations.schedule_exception_remove,
         name="schedule_exception_remove"),
    path("schedules/<int:schedule_id>/duty/", stations.schedule_duty, name="schedule_duty"),
    path("schedules/<int:schedule_id>/rotate/", stations.schedule_rotate, name="schedule_rotate"),
    path("check/", stations.reception_check, name="reception_check"),
    path("me/", deputy.my_liaison, name="me"),
    path("me/record/", deputy.my_work_record, name="me_record"),
    path("opinions/", opinions.opinion_list, name="opinions"),
    path("opinions/to-suggestion/", opinions.opinions_to_suggestion, name="opinions_to_suggestion"),
    path("opinions/<int:opinion_id>/", opinions.opinion_detail, name="opinion_detail"),
    path("opinions/<int:opinion_id>/near-duplicates/", opinions.opinion_near_duplicates,
         name="opinion_near_duplicates"),
    path("opinions/<int:opinion_id>/<str:event>/", opinions.opinion_act, name="opinion_act"),
    path("activities/", activities.activity_list, name="activities"),
    path("activities/<int:activity_id>/", activities.activity_detail, name="activity"),
    path("activities/<int:activity_id>/<str:event>/", activities.activity_act, name="activity_act"),
]
