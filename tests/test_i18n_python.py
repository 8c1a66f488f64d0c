"""Words built in Python (forms, choices, the roadmap, reminders, letters, the activity
feed) come out in Spanish when Spanish is active, and every such word is marked.

The catalogue is compiled here into a temporary folder, so these tests read the .po as
committed, whether or not the build has compiled it yet.
"""

from __future__ import annotations

import ast
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone, translation

from cases import activity, roadmap
from cases.forms.case import CaseAboutForm, NewCaseForm
from cases.item_lists import LISTS, heading
from cases.models import AccountLanguage, Opinion, RecordItem, RecordRequest, Role
from cases.models.case import Urgency
from cases.services.letters import build_letter
from cases.services.reminders import send_reminders
from tests.factories import make_case

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def _compiled(tmp_path_factory) -> Path:
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt (gettext) is needed to compile the Spanish catalogue")
    folder = tmp_path_factory.mktemp("locale")
    target = folder / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(target / "django.mo"), str(CATALOGUE)],
        check=True,
    )
    return folder


@pytest.fixture
def spanish(_compiled, settings):
    """Spanish active, read from the committed catalogue."""
    settings.LOCALE_PATHS = [str(_compiled), *settings.LOCALE_PATHS]
    with translation.override("es"):
        yield


@pytest.mark.django_db
def test_a_form_error_at_a_field_is_in_spanish(spanish):
    form = NewCaseForm(data={"relationship": "self"})
    assert not form.is_valid()
    assert form.errors["patient_name"] == [
        "Escriba el nombre de la persona para quien es este caso"
    ]
    form = CaseAboutForm(
        data={"patient_name": "Maria", "relationship": "self", "patient_dob": "2026-13-45"}
    )
    assert not form.is_valid()
    assert form.errors["patient_dob"] == ["Escriba una fecha real, por ejemplo 27 3 2026"]


def test_a_choice_label_is_in_spanish(spanish):
    assert str(Urgency.NOT_URGENT.label) == "No es urgente"
    assert str(Role.OWNER.label) == "Titular"


def test_the_same_choice_reads_in_english_without_spanish():
    with translation.override("en"):
        assert str(Urgency.NOT_URGENT.label) == "Not urgent"


@pytest.mark.django_db
def test_a_roadmap_step_title_and_summary_are_in_spanish(spanish, owner):
    case = make_case(owner)
    step = roadmap.inform_step(case)
    assert step.title == "Informe a su médico de cabecera"
    assert step.status.label == "Sin empezar"
    assert step.next == "Decida si le parece bien contárselo a su médico de cabecera."


@pytest.mark.django_db
def test_a_plural_message_agrees_with_one_and_two(spanish, owner):
    case = make_case(owner)
    records = list(case.current_opinion().records.all())
    today = timezone.localdate()
    # The starter checklist: all needed. One requested leaves one, five left...
    assert roadmap.records_step(records[:1], today).next == (
        "Pida el 1 documento que todavía falta."
    )
    assert roadmap.records_step(records[:2], today).next == (
        "Pida los 2 documentos que todavía faltan."
    )
    medications = LISTS["medications"]
    assert heading(medications, 1) == "1 medicamento"
    assert heading(medications, 2) == "2 medicamentos"


@pytest.mark.django_db
def test_a_reminder_subject_is_in_spanish(spanish, owner):
    # A reminder is written in the recipient's saved language, not the one active now.
    AccountLanguage.remember(owner, "es")
    case = make_case(owner, relationship="self")
    AccountLanguage.remember(owner, "es")  # each email goes in its reader's language
    when = timezone.localtime() + dt.timedelta(days=3)
    Opinion.objects.filter(pk=case.current_opinion().pk).update(appointment_at=when)
    send_reminders(today=timezone.localdate())
    (message,) = mail.outbox
    assert message.subject == "Segunda Opinión: Su cita es en 3 días"
    assert "Lleve una libreta y un bolígrafo, o a alguien que tome notas." in message.body


@pytest.mark.django_db
def test_a_letter_paragraph_is_in_spanish(spanish, owner):
    case = make_case(owner)
    opinion = case.current_opinion()
    RecordItem.objects.filter(opinion=opinion).update(source="Riverside Hospital")
    letter = RecordRequest.objects.create(opinion=opinion, source="Riverside Hospital")
    built = build_letter(case, letter, owner)
    assert built.how_to_send == (
        "Por favor, envíen copias electrónicas por correo electrónico seguro o por el portal "
        "del paciente, y las imágenes en un disco (CD o DVD)."
    )
    assert built.items[0][1] == "como copia electrónica"


@pytest.mark.django_db
def test_an_activity_sentence_is_in_spanish(spanish, owner):
    case = make_case(owner, patient_name="Maria Lopez")
    entries = list(LogEntry.objects.filter(object_pk=str(case.pk), action=LogEntry.Action.CREATE))
    (line,) = activity.describe_page(entries)
    assert line.text == f"{line.who} comenzó este caso"


def test_dates_follow_the_spanish_order(spanish):
    from cases import display

    assert display.date_text(dt.date(2026, 3, 27)) == "27 de marzo de 2026"
    with translation.override("en"):
        assert display.date_text(dt.date(2026, 3, 27)) == "27 March 2026"


# Every user-facing literal is marked ---------------------------------------------------

TEXT_KWARGS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
MESSAGE_CALLS = {"debug", "info", "success", "warning", "error", "add_message"}
MARKERS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
# Strings people do not read, or that are made of other marked strings.
NOT_PROSE = {""}


def _reads_as_words(node: ast.expr) -> bool:
    """A literal a person would read: a str (or f-string) with a letter in it."""
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(v, ast.Constant) and any(c.isalpha() for c in str(v.value))
            for v in node.values
        )
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value not in NOT_PROSE and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.BinOp):  # "..." % {...} or "a" + "b"
        return _reads_as_words(node.left)
    return False


def _is_textchoices(cls: ast.ClassDef) -> bool:
    return any(
        isinstance(b, ast.Attribute) and b.attr in {"TextChoices", "IntegerChoices"}
        for b in cls.bases
    )


def _unmarked(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(getattr(func, "value", None), "id", "")
            # messages.success(request, "...")
            if owner == "messages" and name in MESSAGE_CALLS:
                for arg in node.args[1:2]:
                    if _reads_as_words(arg):
                        found.append((node.lineno, f"messages.{name}"))
            # raise ValidationError("..."), form.add_error("field", "...")
            if name == "ValidationError" and node.args and _reads_as_words(node.args[0]):
                found.append((node.lineno, "ValidationError"))
            if name == "add_error" and len(node.args) > 1 and _reads_as_words(node.args[1]):
                found.append((node.lineno, "add_error"))
            # label=/help_text=/verbose_name= ...
            for kw in node.keywords:
                if kw.arg in TEXT_KWARGS and _reads_as_words(kw.value):
                    found.append((kw.value.lineno, f"{kw.arg}="))
            # models.CharField("Verbose name", ...): the first argument is verbose_name
            is_field = owner == "models" and name.endswith("Field")
            if is_field and node.args and _reads_as_words(node.args[0]):
                found.append((node.lineno, f"models.{name}(verbose_name)"))
        # class Meta: verbose_name = "..."
        names = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        assigned = isinstance(node, ast.Assign) and set(names) & TEXT_KWARGS
        if assigned and _reads_as_words(node.value):
            found.append((node.lineno, "verbose_name ="))
        # class Urgency(models.TextChoices): NOT_URGENT = "not_urgent", "Not urgent"
        if isinstance(node, ast.ClassDef) and _is_textchoices(node):
            for item in node.body:
                if (
                    isinstance(item, ast.Assign)
                    and isinstance(item.value, ast.Tuple)
                    and len(item.value.elts) == 2
                    and _reads_as_words(item.value.elts[1])
                ):
                    found.append((item.lineno, "choice label"))
    return found


# Where a matching keyword is not text for people: (file, what) and why.
NOT_FOR_PEOPLE = {
    # The audit trail's stored object name for an event; the feed words it from the event.
    ("cases/audit.py", "label="),
    # Each language is named in itself ("Español"), so a person finds theirs whatever
    # language the page is in: these names are never translated.
    ("cases/models/preferences.py", "choice label"),
}


def _python_files() -> list[Path]:
    return [
        path
        for path in sorted((ROOT / "cases").rglob("*.py"))
        if "migrations" not in path.parts and "management" not in path.parts
    ]


def test_every_user_facing_literal_in_python_is_marked_for_translation():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _python_files()
        for line, what in _unmarked(ast.parse(path.read_text()))
        if (str(path.relative_to(ROOT)), what) not in NOT_FOR_PEOPLE
    ]
    assert offenders == []


def test_the_scan_finds_an_unmarked_literal():
    """The scan is not vacuous: each kind of unmarked text is caught, marked text is not."""
    source = """
from django.contrib import messages
from django.db import models
from django.utils.translation import gettext as _, gettext_lazy

class Kind(models.TextChoices):
    A = "a", "Plain words"
    B = "b", gettext_lazy("Marked words")

class Thing(models.Model):
    name = models.CharField("Name of the thing", max_length=9)
    size = models.CharField(gettext_lazy("Size"), max_length=9)
    class Meta:
        verbose_name = "thing"

def view(request, case):
    messages.success(request, f"Saved {case}.")
    messages.success(request, _("Saved %(case)s.") % {"case": case})
    raise forms.ValidationError("Enter a date")
    field = forms.CharField(label="Your name", help_text=_("As on your card"))
"""
    found = {what for _line, what in _unmarked(ast.parse(source))}
    assert found == {
        "choice label",
        "models.CharField(verbose_name)",
        "verbose_name =",
        "messages.success",
        "label=",
        "ValidationError",
    }
    assert len(_unmarked(ast.parse(source))) == 6


def test_the_spanish_catalogue_has_no_empty_or_fuzzy_entry_from_python():
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the header first
    assert entries, "the catalogue is empty"
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    empty = [e for e in entries if e.rstrip().endswith(('msgstr ""', ']  ""', '] ""'))]
    assert fuzzy == [] and empty == []
