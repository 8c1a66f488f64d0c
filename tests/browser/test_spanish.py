"""A Spanish-speaking reader's journey in a browser that asks for Spanish: sign up, a case,
a save on each of the four steps, the Spanish packet; and the language switch, with and
without JavaScript. axe-core on every page.

The journey is driven the way she would drive it, by the Spanish names of links, fields
and buttons, and it asserts the Spanish she reads: headings, buttons, the saved messages,
the case page's step statuses, and the packet PDF's headings (read with pypdf).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from cases.models import AccountLanguage, Case
from tests.browser.helpers import axe_on_a_copy

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "rosa@example.org"
PASSPHRASE = "una-frase-larga-y-poco-comun"


@pytest.fixture
def browser_context_args(browser_context_args):
    # Chromium sends Accept-Language from the locale: es-US,es;q=0.9.
    return {**browser_context_args, "locale": "es-US"}


def _in_spanish(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "es")


def _submit(page: Page, form: str = "main form") -> None:
    page.locator(form).locator("button[type=submit]").first.click()
    page.wait_for_load_state("load")


def _click(page: Page, role: str, name: str | re.Pattern[str]) -> None:
    page.locator("main").get_by_role(role, name=name).first.click()  # type: ignore[arg-type]
    page.wait_for_load_state("load")


def _saved(page: Page, message: str) -> None:
    """The flash after a page load, or (a save in place with htmx) the live region's."""
    expect(page.locator("main .notice, #announcer").filter(has_text=message)).to_have_count(1)


def test_a_spanish_reader_signs_up_walks_the_steps_and_prints_a_spanish_packet(
    page: Page, axe_check, live_server
):
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    _in_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(page.get_by_role("button", name="Cambiar idioma")).to_be_visible()
    axe_check("sign in")

    page.locator(f'main a[href^="{reverse("account_signup")}"]').first.click()
    _in_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrarse")
    axe_check("sign up")
    page.get_by_label("Correo electrónico").fill(EMAIL)
    page.get_by_label("Contraseña", exact=True).fill(PASSPHRASE)
    page.get_by_label("Contraseña (de nuevo)").fill(PASSPHRASE)
    _click(page, "button", "Registrarse")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirme su correo electrónico")
    axe_check("check your email")

    # allauth's confirmation email, in the language of the person signing up.
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert "Alguien se registró en Segunda Opinión" in message.body
    assert message.subject == "Segunda Opinión: Confirme su correo electrónico"
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body).group(1)
    page.goto(link)
    _in_spanish(page)
    axe_check("confirm the address")
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url("/")
    _in_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sus casos")
    expect(page.locator("main")).to_contain_text("Todavía no tiene ningún caso.")
    axe_check("dashboard")
    assert AccountLanguage.objects.get(user__email=EMAIL).language == "es"

    # A new case, for herself.
    _click(page, "link", "Empezar un caso nuevo")
    _in_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Empezar un caso nuevo")
    axe_check("new case")
    page.get_by_label("Nombre completo del paciente").fill("Rosa Martínez")
    page.get_by_label("Para mí").check()
    page.get_by_label("Diagnóstico o enfermedad").fill("Cáncer de mama en etapa temprana")
    _click(page, "button", "Crear el caso")
    case = Case.objects.get(patient_name="Rosa Martínez")
    expect(page).to_have_url(reverse("case_detail", args=[case.pk]))
    _in_spanish(page)
    _saved(page, "Caso creado para Rosa Martínez.")
    steps = page.locator("main .task-list")
    expect(steps).to_contain_text("1. Informe a su médico de cabecera")
    expect(steps).to_contain_text("4. Programe la cita")
    expect(steps).to_contain_text("Sin empezar")
    axe_check("case page")
    # The packet starts in the language she reads, and says so on the case page.
    assert case.packet_language == "es"
    expect(page.locator("#packet-language-es")).to_be_checked()
    expect(page.locator("#packet-panel-heading")).to_have_text("Carpeta para la cita")
    case_page = reverse("case_detail", args=[case.pk])

    def step(number: int, heading: str) -> None:
        page.goto(case_page)
        _click(page, "link", re.compile(rf"^{number}\. "))
        _in_spanish(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Paso {number}: {heading}")
        axe_check(f"step {number}")

    def form(name: str, heading: str) -> None:
        page.goto(reverse(name, args=[case.pk]))
        _in_spanish(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(f"{name} form")

    # Step 1: she prefers not to tell her primary provider.
    step(1, "Informe a su médico de cabecera")
    form("inform_choice", "Contarle")
    page.get_by_label("Prefiero no contarle").check()
    _click(page, "button", "Guardar")
    _in_spanish(page)
    _saved(page, "Cambios guardados en «Contarle».")
    axe_check("step 1 saved")
    case.refresh_from_db()
    assert case.inform_choice == "prefer_not"

    # Step 2: her insurance policy.
    step(2, "Revise el seguro y la remisión")
    form("insurance_policy", "Su póliza de seguro")
    page.get_by_label("Aseguradora").fill("Salud del Valle")
    page.get_by_label("Número de afiliado").fill("SV-55012345")
    _click(page, "button", "Guardar")
    _saved(page, "Cambios guardados en «Su póliza de seguro».")
    axe_check("step 2 saved")
    case.refresh_from_db()
    assert case.insurer == "Salud del Valle"

    # Step 3: the first record on the checklist is asked for.
    step(3, "Pida la historia clínica")
    record = "Informe de diagnóstico o de patología"
    page.get_by_label(f"Estado de «{record}»").select_option(label="Solicitado")
    _click(page, "button", f"Actualizar el estado de «{record}»")
    _in_spanish(page)
    _saved(page, f"«{record}» marcado como solicitado")
    axe_check("step 3 saved")
    assert case.current_opinion().records.get(name=record).status == "requested"

    # Step 4: the appointment, a week from today at 10:30 in the morning.
    day = timezone.localdate() + dt.timedelta(days=7)
    step(4, "Programe la cita")
    form("appointment_details", "La cita")
    page.get_by_label("Fecha y hora").fill(f"{day.isoformat()}T10:30")
    page.get_by_label("En persona").check()
    _click(page, "button", "Guardar")
    _in_spanish(page)
    _saved(page, "Cambios guardados en «La cita».")
    axe_check("step 4 saved")
    with translation.override("es"):
        spanish_day = formats.date_format(day, r"j \d\e F \d\e Y")
    # Times and dates in Spanish, from cases.display.
    expect(page.locator("main")).to_contain_text(f"{spanish_day} a las 10:30 a.m.")

    # The case page: each step's status, in Spanish.
    page.goto(case_page)
    _in_spanish(page)
    for status in ("Omitido por decisión propia", "En curso", "Hecho"):
        expect(steps).to_contain_text(status)
    expect(steps).not_to_contain_text("Sin empezar")
    axe_check("case page after the four steps")

    # The packet: previewed, then downloaded as a Spanish PDF.
    _click(page, "link", "Ver la carpeta")
    _in_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Carpeta para la cita")
    expect(page.locator(".packet-preview")).to_have_attribute("lang", "es")
    axe_check("packet preview")
    page.goto(case_page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar la carpeta (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert pdf.trailer["/Root"]["/Lang"] == "es-US"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "Rosa Martínez" in text
    assert spanish_day in text
    for heading in (
        "Carpeta para la cita",
        "Resumen para el especialista",
        "Medicamentos",
        "Seguro y remisión",
        "Preguntas para el médico",
    ):
        assert heading in text, heading
    assert "Medications" not in text and "Questions for the doctor" not in text

    # The switch (JavaScript on here): back to English, remembered for the account.
    page.locator("#language-switch").select_option("en")
    page.get_by_role("button", name="Cambiar idioma").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(case_page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Change language")).to_be_visible()
    axe_check("case page in English")
    assert AccountLanguage.objects.get(user__email=EMAIL).language == "en"
    # The packet keeps its own language.
    case.refresh_from_db()
    assert case.packet_language == "es"


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="es-US", java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def test_the_switch_works_without_javascript_and_follows_the_account(
    no_js_page: Page, browser, live_server, page: Page, axe_check
):
    from tests.factories import PASSWORD, make_user

    make_user(EMAIL)
    with axe_on_a_copy(browser, live_server.url) as check_copy:
        no_js = no_js_page
        no_js.goto("/accounts/login/")
        _in_spanish(no_js)
        check_copy(no_js, "sign in, Spanish, no JavaScript")
        no_js.locator("#id_login").fill(EMAIL)
        no_js.locator("#id_password").fill(PASSWORD)
        _submit(no_js)
        _in_spanish(no_js)
        check_copy(no_js, "dashboard, Spanish, no JavaScript")

        no_js.locator("#language-switch").select_option("en")
        no_js.get_by_role("button", name="Cambiar idioma").click()
        no_js.wait_for_load_state("load")
        expect(no_js).to_have_url("/")
        expect(no_js.locator("html")).to_have_attribute("lang", "en")
        expect(no_js.locator(".site-header")).to_contain_text("Your cases")
        check_copy(no_js, "dashboard, English, no JavaScript")

        # Signed out and in again in a browser that still asks for Spanish: English.
        no_js.locator(".site-header").get_by_role("button", name="Sign out").click()
        no_js.wait_for_load_state("load")
        check_copy(no_js, "signed out")

    page.goto("/accounts/login/")
    _in_spanish(page)
    axe_check("sign in, another Spanish browser")
    page.locator("#id_login").fill(EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    _submit(page)
    expect(page).to_have_url("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe_check("dashboard, the account's English")
