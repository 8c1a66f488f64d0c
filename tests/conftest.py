"""Personas: Alice owns the case, Bob edits it, Vera views it, Charlie is a stranger."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from cases.models import Case, Role
from tests.factories import add_member, make_case, make_user


@pytest.fixture(autouse=True)
def _empty_cache_between_transactional_tests(request):
    """Rate-limit counts and used two-factor codes live in the cache table. A test in a
    transaction rolls them back; the flush after a transactional test (the browser
    tests) empties only the models' tables, so empty the cache before each such test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        cache.clear()


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    """LocaleMiddleware activates the request's language in the thread that served it,
    which in tests is the test's own: a Spanish request must not leave the next test in
    Spanish."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _mail_through_the_queue(settings):
    """Django's test setup swaps EMAIL_BACKEND for its test outbox: put the app's queue
    back in front of it, so every test's mail takes the production path (the outbox
    table, then the delivery task, run at once here, then mail.outbox)."""
    settings.EMAIL_BACKEND = "cases.background.mail.QueuedEmailBackend"


@pytest.fixture
def owner(db):
    return make_user("alice@example.org")


@pytest.fixture
def caregiver(db):
    """Bob helps Alice: an editor on her case."""
    return make_user("bob@example.org")


@pytest.fixture
def viewer(db):
    return make_user("vera@example.org")


@pytest.fixture
def stranger(db):
    """Charlie should have no access to Alice's stuff."""
    return make_user("charlie@example.org")


@pytest.fixture
def case(owner, caregiver, viewer) -> Case:
    case = make_case(owner)
    add_member(case, caregiver, Role.EDITOR)
    add_member(case, viewer, Role.VIEWER)
    return case


def _client_for(user, enforce_csrf: bool = False) -> Client:
    c = Client(enforce_csrf_checks=enforce_csrf)
    c.force_login(user)
    return c


@pytest.fixture
def owner_client(owner) -> Client:
    return _client_for(owner)


@pytest.fixture
def caregiver_client(caregiver) -> Client:
    return _client_for(caregiver)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return _client_for(viewer)


@pytest.fixture
def stranger_client(stranger) -> Client:
    return _client_for(stranger)


@pytest.fixture
def csrf_client():
    """A client for a given user that enforces CSRF, as a browser would meet it."""

    def make(user) -> Client:
        return _client_for(user, enforce_csrf=True)

    return make


# The files that take longest (a minute or more of browser, or real processes started
# and waited for). Run in several processes (pytest-xdist hands out whole files in the
# order collected), they go first: at the end, one process left alone with one of them
# would keep the others waiting. Only the order changes; a file missing here costs time.
SLOWEST_FILES = (
    "tests/browser/test_narrow.py",
    "tests/browser/test_journeys.py",
    "tests/browser/test_journeys_nojs.py",
    "tests/test_cross_process.py",
    "tests/test_worker.py",
    "tests/browser/test_spanish.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    import os

    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Stable: the order within each file, and of the other files, stays.
        items.sort(key=lambda item: item.nodeid.split("::")[0] not in SLOWEST_FILES)


def pytest_report_header(config) -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE']} {db['NAME']}"


def pytest_unconfigure(config) -> None:
    """Remove the SQLite test database file (test_settings) and its WAL companions."""
    from pathlib import Path

    from django.conf import settings

    if not settings.configured:
        return
    name = str(settings.DATABASES["default"].get("TEST", {}).get("NAME") or "")
    if "secondopinion-test-" in name:
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


# Attachments storage ------------------------------------------------------------------
# Every test stores attachments in a temporary folder, never in private_media/. Tests of
# storage itself take ``storage_backend`` and run twice: on the folder and on S3, against
# moto's standalone server, which this session starts itself (so `make test` works on a
# fresh machine as in CI).


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private_media"), "base_url": None},
        },
    }


def _free_port() -> int:
    import os
    import socket

    if port := os.environ.get("TEST_MOTO_PORT"):
        # One server per pytest-xdist worker (gw0, gw1...): each on the next port.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        return int(port) + int(worker.removeprefix("gw") or 0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's S3 server on 127.0.0.1, for this test session only."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    port = _free_port()
    exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    process = subprocess.Popen(
        [exe, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("moto_server did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["filesystem", "s3"])
def storage_backend(request, settings, tmp_path):
    """Run a storage test on both backends; returns the backend's name."""
    if request.param == "s3":
        import uuid

        import boto3

        endpoint = request.getfixturevalue("moto_endpoint")
        bucket = f"so-test-{uuid.uuid4().hex[:12]}"
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", **credentials
        ).create_bucket(Bucket=bucket)
        settings.STORAGES = {
            **settings.STORAGES,
            "attachments": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": bucket,
                    "endpoint_url": endpoint,
                    "region_name": "us-east-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
    return request.param
