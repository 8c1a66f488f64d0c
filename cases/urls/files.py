"""Documents attached to records. Ids only in the URLs: no names, no health data."""

from django.urls import path

from cases.views import files

urlpatterns = [
    path("records/<int:item_id>/files/", files.file_add, name="record_file_add"),
    path("files/<int:file_id>/", files.file_download, name="file_download"),
    path("files/<int:file_id>/thumbnail/", files.file_thumbnail, name="file_thumbnail"),
    path("files/<int:file_id>/remove/", files.file_remove, name="file_remove"),
]
