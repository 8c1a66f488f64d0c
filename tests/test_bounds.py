"""Nothing unbounded: every text field has a maximum, every list of a case a limit.

The maxima live in cases/models/fields.py, the limits in cases/limits.py. Each is
checked where it is added (the model, the form field, the service that appends, the
import) with a message in plain words at the field, and the largest case they allow
still prints (bench/bounds.py times it). The lists' limits are in
tests/test_list_limits.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from cases import limits
from cases.models import (
    Case,
    FollowUpAction,
    InsuranceCall,
    Invitation,
    Opinion,
    Question,
    RecordItem,
    Role,
)
from cases.models import fields as size
from cases.pdf import render_pdf
from cases.services import portable
from cases.services.packet import build_packet
from cases.services.summary import decision_summary_html
from tests.factories import make_case
from tests.import_support import assert_refused, good_document, json_zip
from tests.largest_case import make_largest_case, text

pytestmark = pytest.mark.django_db


def too_long(limit: int) -> str:
    return f"must be {limit:,} characters or fewer (you entered {limit + 1:,})"


# Every text field has a maximum ----------------------------------------------------------


def test_every_text_field_of_every_model_has_a_maximum():
    """A text field added later without a maximum fails here."""
    for model in apps.get_app_config("cases").get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField):
                assert field.max_length, f"{model.__name__}.{field.name} has no max_length"


def test_every_field_people_type_into_takes_its_size_from_one_place():
    named = {v for k, v in vars(size).items() if k.isupper() and isinstance(v, int)}
    for model in apps.get_app_config("cases").get_models():
        for field in model._meta.get_fields():
            if isinstance(field, size.LimitedCharField | size.LimitedTextField):
                assert field.max_length in named, (model, field.name)
    typed = [
        Case._meta.get_field("prognosis"),
        Opinion._meta.get_field("outcome_diagnosis"),
        Question._meta.get_field("answer"),
        InsuranceCall._meta.get_field("notes"),
        RecordItem._meta.get_field("notes"),
        FollowUpAction._meta.get_field("description"),
    ]
    assert all(isinstance(f, size.LimitedCharField | size.LimitedTextField) for f in typed)


def test_the_model_refuses_an_over_long_text_field_too(owner):
    from django.core.exceptions import ValidationError

    case = make_case(owner)
    case.prognosis = "x" * (size.LONG + 1)
    with pytest.raises(ValidationError) as refused:
        case.full_clean()
    assert "prognosis" in refused.value.message_dict


def test_the_import_schema_carries_the_same_maxima_and_limits():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "export_schema", portable.SCHEMA_PATH.parents[2] / "scripts" / "export_schema.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    bounded_schema, render = script.bounded_schema, script.render

    assert portable.SCHEMA_PATH.read_text(encoding="utf-8") == render(bounded_schema()), (
        "run scripts/export_schema.py"
    )
    opinion = portable.schema()["$defs"]["opinion"]["properties"]
    assert opinion["records"]["maxItems"] == limits.DEFAULTS["records"]
    assert opinion["outcome_diagnosis"]["maxLength"] == size.LONG


# Every form shows the message at the field, without JavaScript -----------------------------


class _Forms(HTMLParser):
    """The forms of a page: their action and fields (name, type, value, maxlength)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": a.get("method", "")})
            self.forms[-1]["fields"] = []
        elif not self.forms or "fields" not in self.forms[-1]:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else "textarea"
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            self.forms[-1]["fields"].append((a["name"], kind, a.get("value", ""), a))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1]["fields"].append((self._select, "select", a.get("value", ""), a))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


TEXT_KINDS = {"text", "textarea", "tel", "search", "url", "email"}


@pytest.fixture(scope="module")
def demo_pages(django_db_setup, django_db_blocker):
    """The demo's pages and their HTML, loaded once for the module."""
    from tests.pages import html_pages, load_demo

    with django_db_blocker.unblock():
        owner = load_demo()
        pages = html_pages(owner)
    yield owner, pages
    # Loaded outside any test's transaction: take it out again, so that the modules
    # after this one start from an empty database (the download trail, the members...).
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        cache.clear()  # the download counts it made (the cache table is not a model's)


def test_every_text_box_of_every_page_has_a_maxlength(demo_pages):
    owner, pages = demo_pages
    missing = []
    for page, html in pages.items():
        parser = _Forms()
        parser.feed(html)
        for form in parser.forms:
            for name, kind, _value, attrs in form["fields"]:
                if kind in TEXT_KINDS and "maxlength" not in attrs and not _read_only(attrs):
                    missing.append((page.name, name))
    assert not missing, missing


def _read_only(attrs: dict) -> bool:
    return "readonly" in attrs or "disabled" in attrs


def test_every_form_says_at_the_field_when_text_is_too_long(demo_pages):
    """Post each page's forms as a browser without JavaScript would, every text box one
    character over its maxlength: each says so at its field, and nothing is a 500."""
    owner, pages = demo_pages
    client = Client()
    client.force_login(owner)
    checked = 0
    for page, html in pages.items():
        if page.anonymous:
            continue
        parser = _Forms()
        parser.feed(html)
        for form in parser.forms:
            if form["method"].lower() != "post":
                continue
            data: dict[str, list[str]] = {}
            over = {}
            for name, kind, value, attrs in form["fields"]:
                # An amount says "enter an amount"; an email address "enter an address".
                plain_text = kind != "email" and attrs.get("inputmode") != "decimal"
                if kind in TEXT_KINDS and "maxlength" in attrs and plain_text:
                    limit = int(attrs["maxlength"])
                    over[name] = limit
                    value = text(limit + 1) if kind != "tel" else "1" * (limit + 1)
                data.setdefault(name, []).append(value)
            if not over:
                continue
            url = urljoin(page.url, form["action"] or page.url)
            response = client.post(url, data)
            assert response.status_code < 500, (page.name, url)
            body = response.content.decode()
            if response.status_code in (302, 303):
                raise AssertionError(f"{page.name}: {url} took over-long text: {over}")
            for name, limit in over.items():
                assert too_long(limit) in body, (page.name, url, name)
            checked += 1
    # The demo's pages hold well over a dozen forms with text: all of them were tried.
    assert checked >= 15, checked


# The import ---------------------------------------------------------------------------------


@pytest.fixture
def good_json(owner) -> dict:
    return good_document(owner)


def test_an_import_with_an_over_long_field_is_refused_in_plain_words(stranger_client, good_json):
    good_json["opinions"][0]["outcome_diagnosis"] = "x" * (size.LONG + 1)
    assert_refused(
        stranger_client,
        json_zip(good_json),
        f"“Their diagnosis” is {size.LONG + 1:,} characters long, and this server keeps at "
        f"most {size.LONG:,}",
    )


def test_an_import_with_too_many_records_is_refused_in_plain_words(stranger_client, good_json):
    records = good_json["opinions"][0]["records"]
    good_json["opinions"][0]["records"] = (records * limits.most("records"))[
        : limits.most("records") + 1
    ]
    good_json["files"] = []
    assert_refused(
        stranger_client,
        json_zip(good_json),
        f"this file has {limits.most('records') + 1} records in one case",
    )


def test_an_import_past_a_lowered_limit_is_refused(settings, stranger_client, good_json):
    settings.CASE_LIMITS = {"questions": 1}
    assert len(good_json["opinions"][0]["questions"]) > 1
    assert_refused(stranger_client, json_zip(good_json), "a case here can hold at most 1")


# The largest case ---------------------------------------------------------------------------


def test_the_largest_allowed_case_is_valid_and_prints(settings):
    case = make_largest_case()
    opinion = case.current_opinion()
    assert opinion.records.count() == limits.most("records")
    assert case.medications.count() == limits.most("medications")
    assert case.opinions.count() == limits.most("opinions")
    assert len(case.prognosis) == size.LONG
    for obj in [case, opinion, opinion.records.first(), opinion.questions.first()]:
        obj.full_clean()  # every field at its maximum, and allowed
    packet = build_packet(case, case.membership.user)
    pdf = render_pdf(render_to_string("cases/packet/document.html", {"packet": packet}))
    assert pdf.startswith(b"%PDF")
    html, _ = decision_summary_html(case)
    assert render_pdf(html).startswith(b"%PDF")


def test_an_over_long_email_address_is_refused_at_the_field(owner_client, case):
    address = "a" * 250 + "@example.org"
    response = owner_client.post(
        reverse("case_invite", args=[case.pk]), {"email": address, "role": Role.VIEWER}
    )
    body = response.content.decode()
    error = re.search(r'id="id_email_error">(.*?)</p>', body, re.S)
    assert error and "must be 254 characters or fewer (you entered 262)" in error.group(1)
    assert not Invitation.objects.filter(case=case, email=address).exists()
