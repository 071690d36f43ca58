from django.urls import path

from renda.deputies import views

app_name = "deputies"
urlpatterns = [
    path("", views.deputy_list, name="list"),
    path("import/", views.roster_import, name="import"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("export/", views.roster_export, name="export"),
    path("roster/", views.roster_print, name="roster"),
    path("stats/", views.composition_page, name="stats"),
    path("<int:person_id>/", views.deputy_detail, name="detail"),
    path("<int:person_id>/edit/", views.deputy_edit, name="edit"),
    path("<int:person_id>/reveal/", views.deputy_reveal, name="reveal"),
    path("<int:person_id>/mandates/<int:mandate_id>/status/", views.mandate_status, name="status"),
]
