"""The app's URLs plus /bench/hello/: a view that does nothing, behind all the middleware."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from secondopinion.urls import handler429 as _app_handler429


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello")


urlpatterns = [
    path("bench/hello/", hello, name="bench_hello"),
    path("", include("secondopinion.urls")),
]
handler429 = _app_handler429
