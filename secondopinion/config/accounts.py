"""Signing in: passwords, django-allauth and two-factor sign-in, and their rate limits."""

from .env import env

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's and allauth's backends, loading the signed-in person with one plain query on
# every request (cases/auth.py).
AUTHENTICATION_BACKENDS = [
    "cases.auth.ModelBackend",
    "cases.auth.AuthenticationBackend",
]

# django-allauth: email is the login, confirmed before the first sign-in; two-factor
# sign-in is optional per account, but required of staff before the admin opens.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION")
# Sign-up never says an address already has an account: with mandatory verification,
# allauth shows the same "check your email" page and writes to the account's owner.
ACCOUNT_PREVENT_ENUMERATION = True
# Following the link in the browser that signed up signs in (allauth checks it is the
# same sign-up); opened anywhere else, it confirms the address and asks to sign in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# No "keep me signed in": the session cookie ends with the browser (see sessions below).
ACCOUNT_SESSION_REMEMBER = False
# Deleting a case, handing it over and changing two-factor sign-in ask for the password
# (or, with two-factor sign-in, a code) unless it was given in the last 5 minutes.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_ADAPTER = "cases.adapters.AccountAdapter"
MFA_ADAPTER = "cases.mfa.MFAAdapter"
# TOTP secrets are encrypted at rest (cases/mfa.py): Fernet keys, comma separated, the
# first encrypts and all decrypt. Unset: derived from SECRET_KEY (check --deploy warns).
MFA_ENCRYPTION_KEYS = env("MFA_ENCRYPTION_KEYS")
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Rate limits, counted in the shared cache so they hold across workers and machines.
# A wrong password or two-factor code counts against the address typed (5 in 5 minutes,
# the same key for the code step) and against the network it came from (10 a minute).
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    # Each reset sends an email: a few per address an hour, and per network.
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Behind a proxy every request comes from the proxy's address: name how many proxies
# append to X-Forwarded-For, so per-network limits count the real client.
ALLAUTH_TRUSTED_PROXY_COUNT = env("TRUSTED_PROXY_COUNT")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Second Opinion"
# allauth's forms in plain words, errors at the field (cases/forms/accounts.py).
ACCOUNT_FORMS = {
    "login": "cases.forms.accounts.LoginForm",
    "signup": "cases.forms.accounts.SignupForm",
    "reset_password": "cases.forms.accounts.ResetPasswordForm",
    "reset_password_from_key": "cases.forms.accounts.ResetPasswordKeyForm",
    "change_password": "cases.forms.accounts.ChangePasswordForm",
    "add_email": "cases.forms.accounts.AddEmailForm",
    "reauthenticate": "cases.forms.accounts.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "cases.forms.accounts.AuthenticateForm",
    "reauthenticate": "cases.forms.accounts.MFAReauthenticateForm",
    "activate_totp": "cases.forms.accounts.ActivateTOTPForm",
}
# allauth's email subjects start "Second Opinion: ", in the reader's language
# (cases/adapters.py, in place of ACCOUNT_EMAIL_SUBJECT_PREFIX).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
