"""A bare Django "hello": no apps, no middleware, no database. bench/pages.py's yardstick.

Served by the same gunicorn, with the same configuration, as the app under test:
``gunicorn -c secondopinion/gunicorn.conf.py hello_app:application`` from bench/.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-hello-only-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
