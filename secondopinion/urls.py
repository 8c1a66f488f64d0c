from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from cases import ratelimit, security
from cases.views import account, language

# The admin (cases/admin_site.py) signs in through allauth, so it gets the same rate
# limits and two-factor step; staff need two-factor sign-in to open it.
admin.autodiscover()

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ahead of allauth's own: its sessions page (allauth.usersessions) in the app's words.
    path("accounts/sessions/", account.signed_in_devices, name="account_sessions"),
    path("accounts/session/status/", account.session_status, name="session_status"),
    path("accounts/session/keep-alive/", account.session_keep_alive, name="session_keep_alive"),
    path("accounts/", include("allauth.urls")),
    path("language/", language.set_language, name="set_language"),
    path("", include("cases.urls")),
]


def handler429(request: HttpRequest) -> HttpResponse:
    """allauth's rate limits (sign-in, sign-up, password reset) answer with the app's page."""
    security.rate_limited(request, "account")
    return ratelimit.too_many_requests(request, ratelimit.ACCOUNT)
