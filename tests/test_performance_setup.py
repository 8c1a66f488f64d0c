"""What keeps pages fast without a timed test: kept connections with their PRAGMAs, the
gunicorn configuration, and bench/pages.py's summary (the figures are in bench/README.md)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.http import parse_http_date

from cases.middleware import CSPMiddleware

ROOT = Path(__file__).resolve().parent.parent


def _load(path: Path, name: str):
    # A bench script imports its helpers by their plain names (run, its folder is first).
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_a_connection_is_kept_between_requests_with_its_checks_on():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_still_has_its_pragmas(client):
    connection.close()  # a fresh one, well within its age
    client.get("/accounts/login/")
    first = connection.connection
    # What Django does at the end of every request: a connection within its age stays.
    close_old_connections()
    client.get("/accounts/login/")
    close_old_connections()
    assert connection.connection is first
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    assert connection.transaction_mode == "IMMEDIATE"


def test_the_gunicorn_configuration_loads():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [gunicorn, "-c", ROOT / "secondopinion" / "gunicorn.conf.py", "--check-config",
         "--print-config", "secondopinion.wsgi"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    config = {
        name.strip(): value.strip()
        for name, _, value in (line.partition(" = ") for line in result.stdout.splitlines())
    }
    assert int(config["workers"]) >= 3
    assert int(config["threads"]) >= 2
    assert config["preload_app"] == "True"
    assert int(config["max_requests"]) > 0 and int(config["max_requests_jitter"]) > 0
    assert int(config["timeout"]) > 0


def test_the_bench_summary_says_which_targets_are_met():
    pages = _load(ROOT / "bench" / "pages.py", "bench_pages")
    args = pages.parse_args(["--db", "postgres", "--scale", "500", "--seconds", "2"])
    assert (args.db, args.scale, args.seconds) == ("postgres", 500, 2)
    met = {"hello": 0.5, "dashboard": 0.09, "case": 0.08, "htmx_form": 0.2,
           "case_while_packets": 0.7, "second_packet_s": 0.01, "scale_worst": 1.1}  # fmt: skip
    assert pages.summary(met) == (
        "RESULT hello=0.500 dashboard=0.090 case=0.080 htmx_form=0.200 "
        "case_while_packets=0.700 second_packet_s=0.010 scale_worst=1.100 all_met=1"
    )
    slow_packet = {**met, "second_packet_s": 0.3}
    assert pages.summary(slow_packet).endswith("second_packet_s=0.300 scale_worst=1.100 all_met=0")
    assert pages.summary({**met, "scale_worst": None}).endswith("scale_worst=- all_met=0")
    assert any("MISSED" in line for line in pages.table(slow_packet))


def test_the_csp_header_built_once_is_django_csp_s_own(rf):
    from csp.middleware import CSPMiddleware as Original
    from django.http import HttpResponse

    ours = CSPMiddleware(lambda r: HttpResponse()).process_response(rf.get("/"), HttpResponse())
    theirs = Original(lambda r: HttpResponse()).process_response(rf.get("/"), HttpResponse())
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert "'unsafe-inline'" not in ours["Content-Security-Policy"]


@pytest.mark.django_db
def test_people_signed_in_before_the_plain_query_backends_stay_signed_in(owner, client):
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from cases import sessions

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    at = int(sessions.now())
    store.update(
        {
            SESSION_KEY: str(owner.pk),
            BACKEND_SESSION_KEY: "allauth.account.auth_backends.AuthenticationBackend",
            HASH_SESSION_KEY: owner.get_session_auth_hash(),
            sessions.SIGNED_IN_AT: at,
            sessions.SEEN_AT: at,
        }
    )
    store.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == owner


@pytest.mark.django_db
def test_an_inactive_or_unknown_person_is_nobody(owner):
    from cases.auth import AuthenticationBackend, ModelBackend

    for backend in (ModelBackend(), AuthenticationBackend()):
        assert backend.get_user(owner.pk) == owner
        assert backend.get_user(owner.pk).email == owner.email
        assert backend.get_user(10**9) is None
        assert backend.get_user("not a number") is None
    owner.is_active = False
    owner.save()
    assert ModelBackend().get_user(owner.pk) is None


def test_no_store_headers_are_django_s_own(rf):
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers, patch_vary_headers

    from cases.middleware import NoStoreMiddleware

    ours = NoStoreMiddleware(lambda r: HttpResponse())(rf.get("/"))
    theirs = HttpResponse()
    add_never_cache_headers(theirs)
    patch_vary_headers(theirs, ["HX-Request"])
    assert ours["Cache-Control"] == theirs["Cache-Control"]
    assert ours["Vary"] == theirs["Vary"]
    assert abs(parse_http_date(ours["Expires"]) - parse_http_date(theirs["Expires"])) <= 1

    # A response with its own caching headers gets them merged, as before.
    def view(request):
        response = HttpResponse()
        response["Vary"] = "Accept-Language"
        return response

    merged = NoStoreMiddleware(view)(rf.get("/"))
    assert merged["Vary"] == "Accept-Language, HX-Request"
    assert "no-store" in merged["Cache-Control"]
