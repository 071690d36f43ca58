from django.conf import settings
from django.urls import include, path

from renda.api.api import api, declare_docs_views
from renda.core.admin_site import admin_site

urlpatterns = [
    path("", include("renda.web.urls")),
    path("accounts/", include("renda.accounts.urls")),
    path("org/", include("renda.organizations.urls")),
    path("deputies/", include("renda.deputies.urls")),
    path("audit/", include("renda.core.urls")),
    path("calendar/", include("renda.workdays.urls")),
    path("inbox/", include("renda.notifications.urls")),
    path("suggestions/", include("renda.suggestions.urls")),
    path("meetings/", include("renda.meetings.urls")),
    path("liaison/", include("renda.liaison.urls")),
    path("portal/", include("renda.liaison.portal_urls")),
    path("insights/", include("renda.insights.urls")),
    path("api/v1/", declare_docs_views(api.urls)),
    path("sysadmin/", admin_site.urls),
]

handler400 = "renda.web.views.bad_request"
handler403 = "renda.web.views.permission_denied"
handler404 = "renda.web.views.page_not_found"
handler500 = "renda.web.views.server_error"

if settings.DEBUG:  # uploaded files are served by the web server in production
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
