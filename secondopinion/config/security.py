"""Security headers, the Content Security Policy, and how long a session lasts.

Case pages also send Cache-Control: no-store (cases.middleware). What only holds over
HTTPS (redirects, HSTS, Secure cookies) is in https.py, for DEBUG off.
"""

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import env

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (HIPAA automatic
# logoff) and SESSION_ABSOLUTE_TIMEOUT seconds after signing in (cases/sessions.py). The
# store forgets a session shortly after the idle limit; the cookie ends with the browser.
SESSION_IDLE_TIMEOUT = env("SESSION_IDLE_TIMEOUT")
SESSION_ABSOLUTE_TIMEOUT = env("SESSION_ABSOLUTE_TIMEOUT")
if SESSION_IDLE_TIMEOUT < 60 or SESSION_ABSOLUTE_TIMEOUT < SESSION_IDLE_TIMEOUT:
    raise ImproperlyConfigured(
        "SESSION_IDLE_TIMEOUT must be at least 60 seconds, and SESSION_ABSOLUTE_TIMEOUT "
        "at least as long as SESSION_IDLE_TIMEOUT."
    )
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 120
# Django's database sessions, read with one plain query (cases/sessions.py).
SESSION_ENGINE = "cases.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
