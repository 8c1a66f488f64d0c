"""All of the app's URLs, one module per concern. Every case URL carries ``case_id``."""

from django.urls import include, path

from cases.urls import data as data_urls
from cases.views import cases, dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("cases/new/", cases.case_create, name="case_create"),
    *data_urls.urlpatterns,
    path("cases/<uuid:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/delete/", cases.case_delete, name="case_delete"),
    path("cases/<uuid:case_id>/", include("cases.urls.sections")),
    path("cases/<uuid:case_id>/", include("cases.urls.roadmap")),
    path("cases/<uuid:case_id>/", include("cases.urls.lists")),
    path("cases/<uuid:case_id>/", include("cases.urls.packet")),
    path("cases/<uuid:case_id>/", include("cases.urls.letters")),
    path("cases/<uuid:case_id>/", include("cases.urls.files")),
    path("cases/<uuid:case_id>/", include("cases.urls.sharing")),
    path("cases/<uuid:case_id>/", include("cases.urls.outcomes")),
    path("cases/<uuid:case_id>/", include(data_urls.case_urlpatterns)),
    path("cases/<uuid:case_id>/", include("cases.urls.reminders")),
    path("", include("cases.urls.public")),
]
