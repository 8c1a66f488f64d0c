"""The packet to bring to the appointment: a preview page and the PDF."""

from django.urls import path

from cases.views import packet

urlpatterns = [
    path("packet/", packet.packet_preview, name="packet_preview"),
    path("packet/download/", packet.packet_download, name="packet_download"),
    path("packet/language/", packet.packet_language_change, name="packet_language"),
    path("packet/with-records/", packet.packet_bundle_download, name="packet_bundle_download"),
]
