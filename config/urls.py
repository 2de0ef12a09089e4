from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from attendance.views import client_data_export
from core.admin_autocomplete import autocomplete_view

admin.site.site_header = _("Training registrations")
admin.site.site_title = _("Training registrations")
admin.site.index_title = _("Administration")
# Pickers that say which record is which (core/admin_autocomplete.py).
admin.site.autocomplete_view = autocomplete_view(admin.site)

# Errors that escape every view and middleware; an unreachable database answers 503.
handler500 = "config.views.server_error"

urlpatterns = [
    # Before the admin: its catch-all would answer these paths first.
    path("admin/second-factor/", include("staff_auth.urls")),
    # A client's employees' data to return to it (GDPR Art. 28(3)(g)), linked from the
    # client's admin page: training and attendance data, which the clients app cannot read.
    path(
        "admin/clients/organisation/<int:pk>/employees-data/",
        client_data_export,
        name="client_data_export",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("training.urls")),
    path("attendance/", include("attendance.urls")),
    path("", include("surveys.urls")),
    path("", include("consent.urls")),
    path("", include("cookies.urls")),
    path("", include("retention.urls")),
    path("", include("dpo_requests.urls")),
    path("backoffice/", include("dpo_requests.backoffice_urls")),
]
