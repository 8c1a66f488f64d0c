"""Taking data away and bringing it in: export and import a case, the account's data."""

from django.urls import path

from cases.views import data

case_urlpatterns = [
    path("export/", data.case_export, name="case_export"),
]

urlpatterns = [
    path("cases/import/", data.case_import, name="case_import"),
    path("accounts/data/", data.your_data, name="your_data"),
    path("accounts/data/export/", data.account_export, name="account_export"),
    path("accounts/delete/", data.account_delete, name="account_delete"),
]
