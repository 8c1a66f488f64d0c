"""The insurance member ID: in full for owners and editors, its last 4 characters for viewers.

A viewer (a relative invited to read along) never gets the whole number: not on the case
page, not at step 2, not in the packet preview or the PDF, not on the activity trail.
"""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Role
from tests.factories import add_member, make_user
from tests.packet_cases import make_maria

pytestmark = pytest.mark.django_db

FULL = "XJH123456789"
MASKED = "••••••••6789"


@pytest.fixture
def maria(db):
    owner = make_user("maria@example.org")
    case = make_maria(owner)
    clients = {}
    for role in (Role.OWNER, Role.EDITOR, Role.VIEWER):
        user = owner if role == Role.OWNER else make_user(f"{role}@example.org")
        if role != Role.OWNER:
            add_member(case, user, role)
        clients[role] = Client()
        clients[role].force_login(user)
    return case, clients


def _pdf_text(response) -> str:
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _html(client: Client, name: str, case) -> str:
    response = client.get(reverse(name, args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", [Role.OWNER, Role.EDITOR])
def test_owners_and_editors_get_the_whole_member_id_in_the_packet(maria, role):
    case, clients = maria
    assert FULL in _html(clients[role], "packet_preview", case)
    assert FULL in _pdf_text(clients[role].get(reverse("packet_download", args=[case.pk])))


@pytest.mark.parametrize("role", [Role.OWNER, Role.EDITOR])
def test_owners_and_editors_can_read_it_in_full_where_they_edit_it(maria, role):
    case, clients = maria
    form = clients[role].get(reverse("insurance_policy", args=[case.pk]))
    assert f'value="{FULL}"' in form.content.decode()


def test_a_viewers_packet_preview_and_pdf_show_only_the_last_4_characters(maria):
    case, clients = maria
    preview = _html(clients[Role.VIEWER], "packet_preview", case)
    pdf = _pdf_text(clients[Role.VIEWER].get(reverse("packet_download", args=[case.pk])))
    for text in (preview, pdf):
        assert FULL not in text and "123456" not in text
        assert MASKED in text
        assert "only the last 4 characters are shown to viewers" in text


@pytest.mark.parametrize("name", ["case_detail", "step_insurance", "case_activity"])
def test_a_viewer_never_sees_it_in_full_on_screen(maria, name):
    case, clients = maria
    html = _html(clients[Role.VIEWER], name, case)
    assert FULL not in html and "123456" not in html


def test_a_viewer_cannot_open_the_form_that_holds_it(maria):
    case, clients = maria
    assert clients[Role.VIEWER].get(reverse("insurance_policy", args=[case.pk])).status_code == 403


def test_step_2_shows_it_masked_to_every_role(maria):
    case, clients = maria
    for client in clients.values():
        html = _html(client, "step_insurance", case)
        assert MASKED in html and FULL not in html


def test_a_short_member_id_is_hidden_whole_from_a_viewer(maria):
    case, clients = maria
    case.member_id = "A12"
    case.save(update_fields=["member_id"])
    pdf = _pdf_text(clients[Role.VIEWER].get(reverse("packet_download", args=[case.pk])))
    assert "A12" not in pdf and "•••" in pdf
