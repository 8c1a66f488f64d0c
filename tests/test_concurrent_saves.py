"""Two people saving different sections of one case at the same moment both keep their save.

Alice saves the diagnosis while Bob saves the insurance policy, over real HTTP against
the live server: each request runs in its own thread with its own database connection,
as under gunicorn (on SQLite the test database is a file for this reason, see
secondopinion/test_settings.py). A barrier releases both saves together, round after
round; every round both must be told "saved" and both values must be in the database.
"""

from __future__ import annotations

import http.client
import secrets
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.forms.case import DiagnosisForm
from cases.forms.roadmap import PolicyForm
from cases.models import Case

ROUNDS = 40


class Person:
    """A signed-in browser over plain HTTP. Cookies are sent by hand: they are marked
    Secure, and the live server speaks http."""

    def __init__(self, live_server, user) -> None:
        self.host, self.port = urllib.parse.urlsplit(live_server.url).netloc.split(":")
        django_client = Client()
        django_client.force_login(user)
        self.csrf = secrets.token_hex(16)  # a 32-character CSRF secret, sent back as the token
        self.cookies = {
            settings.SESSION_COOKIE_NAME: django_client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: self.csrf,
        }

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "X-CSRFToken": self.csrf,
        }
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()


def version(form_class, case: Case) -> str:
    """The version the section's form shows now, as each person's page would carry it."""
    return form_class(instance=Case.objects.get(pk=case.pk)).initial["version"]


@pytest.mark.django_db(transaction=True)
def test_saves_of_different_sections_at_the_same_moment_are_never_lost(
    live_server, owner, caregiver, case
):
    alice, bob = Person(live_server, owner), Person(live_server, caregiver)
    diagnosis_url = reverse("case_edit_diagnosis", kwargs={"case_id": case.pk})
    policy_url = reverse("insurance_policy", kwargs={"case_id": case.pk})
    together = threading.Barrier(2)

    def save(person: Person, path: str, data: dict) -> int:
        together.wait(timeout=10)
        status, _ = person.request("POST", path, data)
        return status

    lost, refused = [], []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for n in range(ROUNDS):
            condition, insurer = f"Diagnosis {n}", f"Insurer {n}"
            diagnosis = {"condition": condition, "version": version(DiagnosisForm, case)}
            policy = {"insurer": insurer, "version": version(PolicyForm, case)}
            saves = [
                pool.submit(save, alice, diagnosis_url, diagnosis),
                pool.submit(save, bob, policy_url, policy),
            ]
            statuses = [s.result(timeout=30) for s in saves]
            refused += [(n, status) for status in statuses if status != 302]
            case.refresh_from_db()
            if (case.condition, case.insurer) != (condition, insurer):
                lost.append((n, case.condition, case.insurer))

    assert refused == [], "every save must be confirmed (a redirect back to the page)"
    assert lost == [], f"{len(lost)} of {ROUNDS} rounds lost a confirmed save"
