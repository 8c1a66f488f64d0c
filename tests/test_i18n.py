"""English and Spanish: the catalogue is complete, every template string is marked, the
language follows the browser, the switch and the account, and dates and amounts are
written for each. Documents and emails: tests/test_i18n_documents.py."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import polib
import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from cases import display
from cases.forms.fields import DateInput
from cases.models import AccountLanguage
from tests.factories import PASSWORD, make_user
from tests.i18n_scan import TEMPLATES, template_files, untranslated
from tests.i18n_support import CATALOGUE, ENGLISH, SPANISH, html_lang

# The catalogue and the templates ------------------------------------------------------


def test_the_spanish_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.metadata["Language"] == "es"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert len(catalogue) > 100
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy
    for entry in catalogue:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.get(i) for i in (0, 1)), entry.msgid


POSSESSIVES = {"%(name)s’s", "%(name)s's"}


def test_the_catalogue_keeps_every_placeholder():
    """A translation that drops or renames %(name)s or %(count)d fails at render time, in
    Spanish only; one that drops an HTML tag loses a link or emphasis."""
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    tag = re.compile(r"<[^>]+>")
    for entry in polib.pofile(str(CATALOGUE)):
        wanted = set(placeholder.findall(entry.msgid_plural or entry.msgid))
        for english, spanish in (
            [(entry.msgid_plural, entry.msgstr_plural[1])]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        ):
            assert sorted(tag.findall(spanish)) == sorted(tag.findall(english)), entry.msgid
        if entry.msgid_plural:
            # Spanish's singular may say "Su código" instead of "Sus 1 códigos".
            assert set(placeholder.findall(entry.msgstr_plural[1])) == wanted, entry.msgid
            assert set(placeholder.findall(entry.msgstr_plural[0])) <= wanted, entry.msgid
        elif entry.msgid in POSSESSIVES:
            # "Maria's" is "su" in Spanish: the name may go (Python's % with a dict lets it).
            assert set(placeholder.findall(entry.msgstr)) <= wanted, entry.msgid
        else:
            assert set(placeholder.findall(entry.msgstr)) == wanted, entry.msgid


@pytest.mark.parametrize(
    "path", list(template_files()), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_every_template_string_is_marked_for_translation(path):
    assert untranslated(path) == []


def test_the_scan_finds_text_left_outside_translation(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Your cases" %}</h1><p>Not marked</p>'
        '<img alt="A chart" src="x.png">'
    )
    assert untranslated(page) == ['alt="A chart"', "Not marked"]


# The language of the screens ----------------------------------------------------------


@pytest.mark.django_db
def test_the_browsers_language_decides_before_any_choice(client):
    spanish = client.get(reverse("account_login"), **SPANISH)
    assert html_lang(spanish) == "es"
    assert "Iniciar sesión" in spanish.content.decode()
    assert "¿Olvidó su contraseña?" in spanish.content.decode()
    english = Client().get(reverse("account_login"), **ENGLISH)
    assert html_lang(english) == "en"
    assert "Forgot your password?" in english.content.decode()


@pytest.mark.django_db
def test_djangos_and_allauths_own_messages_are_in_spanish(client):
    make_user("alice@example.org")
    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": "wrong"}, **SPANISH
    )
    html = response.content.decode()
    assert "Hay un problema" in html
    # A required field left empty: Django's own message, from Django's catalogue.
    response = client.post(reverse("account_login"), {"login": "", "password": ""}, **SPANISH)
    assert "Este campo es obligatorio." in response.content.decode()


@pytest.mark.django_db
def test_every_page_has_the_switch_each_language_named_in_itself(client, owner_client, case):
    for page in (
        client.get(reverse("account_login")),
        owner_client.get(reverse("dashboard")),
        owner_client.get(reverse("case_detail", args=[case.pk])),
    ):
        html = page.content.decode()
        assert f'action="{reverse("set_language")}"' in html
        assert '<label class="language-switch__label" for="language-switch">Language</label>' in (
            html
        )
        assert '<option value="en" lang="en" selected>English</option>' in html
        assert '<option value="es" lang="es">Español</option>' in html
        assert ">Change language</button>" in html


@pytest.mark.django_db
def test_the_switch_works_without_javascript_and_is_remembered_for_the_account(owner):
    browser = Client()
    browser.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD}, **ENGLISH)
    dashboard = reverse("dashboard")
    response = browser.post(reverse("set_language"), {"language": "es", "next": dashboard})
    assert response.status_code == 302 and response["Location"] == dashboard
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = browser.get(dashboard, **ENGLISH)  # the choice beats the browser
    assert html_lang(page) == "es"
    assert ">Cambiar idioma</button>" in page.content.decode()
    # What app.js says (the sign-out warning's minutes, announcements) comes from the page.
    assert 'data-session-minutes="{n} minutos"' in page.content.decode()
    assert 'data-not-saved="Lo sentimos, no se guardó. Vuelva a intentarlo."' in (
        page.content.decode()
    )
    assert AccountLanguage.for_user(owner) == "es"

    # Signed out, then in again on another computer whose browser asks for English.
    browser.post(reverse("account_logout"))
    elsewhere = Client()
    response = elsewhere.post(
        reverse("account_login"), {"login": owner.email, "password": PASSWORD}, **ENGLISH
    )
    assert elsewhere.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = elsewhere.get(response["Location"], **ENGLISH)
    assert html_lang(page) == "es"
    assert "Sus casos" in page.content.decode()


@pytest.mark.django_db
def test_an_account_first_signs_in_with_the_browsers_language(owner):
    browser = Client()
    browser.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD}, **SPANISH)
    assert AccountLanguage.for_user(owner) == "es"


@pytest.mark.django_db
def test_the_switch_refuses_other_sites_and_unknown_languages(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    response = Client().post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert Client().get(reverse("set_language")).status_code == 405


@pytest.mark.django_db
def test_the_switch_is_open_before_signing_in_and_saves_nothing_then(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": reverse("account_login")}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["httponly"]
    assert AccountLanguage.objects.count() == 0
    assert html_lang(client.get(reverse("account_login"))) == "es"


# Dates, times and numbers -------------------------------------------------------------


def test_dates_times_and_amounts_are_written_for_each_language():
    day = dt.datetime(2026, 5, 14, 10, 30)
    with translation.override("en"):
        assert display.date_text(day.date()) == "14 May 2026"
        assert display.date_and_time(day) == "14 May 2026 at 10:30am"
        assert formats.number_format(Decimal("1234.5"), 2, force_grouping=True) == "1,234.50"
    with translation.override("es"):
        assert display.date_text(day.date()) == "14 de mayo de 2026"
        assert display.date_text(day.date(), weekday=True) == "jueves 14 de mayo de 2026"
        assert display.time_of_day(day) == "10:30 a.m."
        assert display.date_and_time(day) == "14 de mayo de 2026 a las 10:30 a.m."
        # US Spanish: amounts as on every US bill, which the money fields read back.
        assert formats.number_format(Decimal("1234.5"), 2, force_grouping=True) == "1,234.50"


def test_a_date_typed_in_spanish_is_read_as_the_browser_sends_it():
    class DateForm(forms.Form):
        day = forms.DateField(widget=DateInput)

    with translation.override("es"):
        form = DateForm({"day": "2026-03-27"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2026, 3, 27)
        assert 'value="2026-03-27"' in str(DateForm(initial={"day": dt.date(2026, 3, 27)}))
