from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from cases import ratelimit, security

# The admin signs in through allauth, so it gets the same rate limits and two-factor step.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("cases.urls")),
]


def handler429(request: HttpRequest) -> HttpResponse:
    """allauth's rate limits (sign-in, sign-up, password reset) answer with the app's page."""
    security.rate_limited(request, "account")
    return ratelimit.too_many_requests(request, ratelimit.ACCOUNT)
