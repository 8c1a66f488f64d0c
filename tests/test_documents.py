"""Packets and decision summaries: made by the task worker under a time cap, cached by
what they show, and served from the cache until anything in them changes."""

from __future__ import annotations

import io
import time

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cases import revisions
from cases.models import (
    AuthorityKind,
    Case,
    Medication,
    Membership,
    Question,
    RecordItem,
    Role,
)
from cases.services import documents

MEMBER_ID = "XJK123456789"


@pytest.fixture
def renders(monkeypatch):
    """How many PDFs were rendered (in the worker's child processes)."""
    calls: list[str] = []
    real = documents.render_capped

    def counting(html: str, seconds: float | None = None) -> bytes:
        calls.append(html)
        return real(html, seconds)

    monkeypatch.setattr(documents, "render_capped", counting)
    return calls


@pytest.fixture
def insured_case(case):
    case.member_id = MEMBER_ID
    case.insurer = "Acme Health"
    case.save()
    return case


def _download(client, case, name="packet_download", **params):
    return client.get(reverse(name, args=[case.pk]), {"paper": "a4", **params})


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _key(case, user, kind=documents.PACKET, paper="a4") -> str:
    case.refresh_from_db()
    case.membership = Membership.objects.get(case=case, user=user)
    return documents.source(kind, case, user, paper=paper).key


# The cache ---------------------------------------------------------------------------


def test_a_second_download_gives_the_same_bytes_without_rendering(owner_client, case, renders):
    first = _download(owner_client, case)
    second = _download(owner_client, case)
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert second.content == first.content
    assert len(renders) == 1


def test_each_download_still_goes_on_the_activity_trail_and_is_not_stored(
    owner_client, case, renders
):
    from auditlog.models import LogEntry

    _download(owner_client, case)
    response = _download(owner_client, case)
    assert "no-store" in response["Cache-Control"]
    assert LogEntry.objects.filter(additional_data__event="packet_download").count() == 2


def _nothing(case, owner):
    pass


def _change_case(case, owner):
    case.condition = "Stage II breast cancer"
    case.save()


def _change_opinion(case, owner):
    opinion = case.current_opinion()
    opinion.specialist_name = "Dr. Okafor"
    opinion.save()


def _add_record(case, owner):
    RecordItem.objects.create(opinion=case.current_opinion(), name="Biopsy slides", position=9)


def _blood_tests(case, owner):
    RecordItem.objects.create(opinion=case.current_opinion(), name="Blood tests", position=1)


def _rename_record_by_update(case, owner):
    # A queryset update sends no signal and touches no timestamp: the HTML's hash still
    # changes; the app's own bulk writes also give the case a new revision, which is
    # what lets a page worker skip building the HTML (documents.known_source).
    RecordItem.objects.filter(name="Blood tests").update(name="Blood panel")
    revisions.touch(case)


def _a_question(case, owner):
    Question.objects.create(opinion=case.current_opinion(), text="Is surgery needed?")


def _remove_questions(case, owner):
    Question.objects.filter(opinion__case=case).delete()


def _add_medication(case, owner):
    Medication.objects.create(case=case, name="Metformin", position=1)


def _give_authority(case, owner):
    Membership.objects.filter(case=case, user=owner).update(
        authority_kind=AuthorityKind.choices[-1][0]
    )
    revisions.touch(case)


def _caregiver_with_authority(case, owner):
    Membership.objects.filter(case=case, role=Role.EDITOR).update(
        authority_kind=AuthorityKind.choices[-1][0]
    )
    revisions.touch(case)


def _rename_the_caregiver(case, owner):
    caregiver = Membership.objects.get(case=case, role=Role.EDITOR).user
    caregiver.first_name = "Roberto"
    caregiver.save()


@pytest.mark.parametrize(
    ("before", "change"),
    [
        (_nothing, _change_case),
        (_nothing, _change_opinion),
        (_nothing, _add_record),
        (_blood_tests, _rename_record_by_update),
        (_a_question, _remove_questions),
        (_nothing, _add_medication),
        (_nothing, _give_authority),
        (_caregiver_with_authority, _rename_the_caregiver),
    ],
)
def test_every_kind_of_change_makes_a_new_packet(
    owner_client, owner, case, renders, before, change
):
    before(case, owner)
    first = _download(owner_client, case).content
    change(case, owner)
    second = _download(owner_client, case).content
    assert len(renders) == 2, "the change did not make a new packet"
    assert second != first


def test_a_second_download_of_an_unchanged_packet_builds_nothing(
    owner_client, case, renders, monkeypatch
):
    _download(owner_client, case)
    built = []
    real = documents.source
    monkeypatch.setattr(documents, "source", lambda *a, **k: built.append(1) or real(*a, **k))
    again = _download(owner_client, case)
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
    assert built == [] and len(renders) == 1
    _change_opinion(case, None)
    assert _download(owner_client, case).status_code == 200
    assert built and len(renders) == 2


def test_paper_language_and_the_day_are_part_of_the_key(owner, case, monkeypatch):
    a4 = _key(case, owner, paper="a4")
    assert _key(case, owner, paper="letter") != a4
    # The packet's language is the case's (the specialist's), not the reader's.
    with translation.override("es"):
        assert _key(case, owner) == a4
    Case.objects.filter(pk=case.pk).update(packet_language="es")
    assert _key(case, owner) != a4
    Case.objects.filter(pk=case.pk).update(packet_language="en")
    assert _key(case, owner) == a4
    import datetime as dt

    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a: tomorrow)
    assert _key(case, owner) != a4


def test_the_summary_and_the_packet_are_cached_apart(owner, case):
    assert _key(case, owner, documents.SUMMARY) != _key(case, owner, documents.PACKET)


def test_a_viewer_never_gets_the_editors_packet_with_the_full_member_id(
    owner_client, viewer_client, owner, viewer, insured_case, renders
):
    owners = _download(owner_client, insured_case)
    viewers = _download(viewer_client, insured_case)
    assert MEMBER_ID in _text(owners.content)
    assert MEMBER_ID not in _text(viewers.content)
    assert MEMBER_ID[-4:] in _text(viewers.content)
    assert len(renders) == 2
    assert _key(insured_case, owner) != _key(insured_case, viewer)


def test_the_export_reuses_the_cached_packet(owner_client, owner, case, renders):
    from cases.services.export import case_pdfs

    pdf = _download(owner_client, case).content
    case.membership = Membership.objects.get(case=case, user=owner)
    assert case_pdfs(case, owner, paper="a4")["packet.pdf"] == pdf
    assert len(renders) == 1


# The time cap ------------------------------------------------------------------------


@pytest.fixture
def slow_renderer(monkeypatch, settings):
    """Every render sleeps far past a 1-second cap (in the child, which is killed)."""
    import cases.pdf

    settings.PDF_RENDER_TIMEOUT = 1
    monkeypatch.setattr(documents, "_warm", True)
    monkeypatch.setattr(cases.pdf, "render_pdf", lambda html: time.sleep(30) or b"")


def test_a_packet_that_takes_too_long_gets_a_plain_words_page(owner_client, case, slow_renderer):
    started = time.monotonic()
    response = _download(owner_client, case)
    assert time.monotonic() - started < 10
    assert response.status_code == 503
    html = response.content.decode()
    assert "This packet took too long to prepare" in html
    assert "print it from your browser" in html
    assert reverse("packet_preview", args=[case.pk]) in html
    # Asking again does not start another render: the failure is remembered a while.
    started = time.monotonic()
    assert _download(owner_client, case).status_code == 503
    assert time.monotonic() - started < 1


def test_a_decision_summary_that_takes_too_long_gets_a_plain_words_page(
    owner_client, case, slow_renderer
):
    response = _download(owner_client, case, "decision_summary")
    assert response.status_code == 503
    assert "This decision summary took too long to prepare" in response.content.decode()


def test_a_render_that_crashes_gets_its_own_page(owner_client, case, monkeypatch):
    import cases.pdf

    def broken(html):
        raise RuntimeError("font missing")

    monkeypatch.setattr(documents, "_warm", True)
    monkeypatch.setattr(cases.pdf, "render_pdf", broken)
    response = _download(owner_client, case)
    assert response.status_code == 503
    assert "The packet could not be prepared" in response.content.decode()


def test_the_capped_renderer_kills_the_child_on_time(monkeypatch):
    import cases.pdf

    monkeypatch.setattr(documents, "_warm", True)
    monkeypatch.setattr(cases.pdf, "render_pdf", lambda html: time.sleep(30) or b"")
    started = time.monotonic()
    with pytest.raises(documents.RenderTimedOut):
        documents.render_capped("<p>x</p>", seconds=0.5)
    assert time.monotonic() - started < 3


# Being prepared (a worker that has not run yet) ----------------------------------------


@pytest.fixture
def queued(settings):
    """A queue nobody works: the task is stored, and the test plays the worker."""
    from cases.background import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


def test_the_download_says_it_is_being_prepared_then_gives_the_file(
    owner_client, owner, case, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _download(owner_client, case)
        again = _download(owner_client, case)
    assert response.status_code == again.status_code == 202
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Your packet is being prepared" in html
    status_url = reverse("document_status", args=[case.pk, "packet"]) + "?paper=a4"
    assert f'hx-get="{status_url.replace("&", "&amp;")}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Check again" in html
    assert len(queued.results) == 1, "asking twice queued the packet twice"

    polled = owner_client.get(status_url, headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert "being prepared" in polled.content.decode()
    assert "<html" not in polled.content.decode()

    args = queued.results[0].args
    assert "@" not in str(args)  # ids and codes only: no health data in the queue
    assert documents.render_for(*args) == "ready"

    polled = owner_client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "Your packet is ready" in polled
    assert "hx-trigger" not in polled
    download = _download(owner_client, case)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF-")


def test_the_bundle_waits_for_the_packet_then_joins_the_records(
    owner_client, case, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _download(owner_client, case, "packet_bundle_download")
    assert response.status_code == 202
    assert "bundle=1" in response.content.decode()
    documents.render_for(*queued.results[0].args)
    download = _download(owner_client, case, "packet_bundle_download")
    assert download.status_code == 200
    assert "with-records" in download["Content-Disposition"]


def test_the_status_page_keeps_to_the_access_rule(stranger_client, owner_client, case):
    url = reverse("document_status", args=[case.pk, "packet"])
    assert stranger_client.get(url).status_code == 404
    unknown = reverse("document_status", args=[case.pk, "letters"])
    assert owner_client.get(unknown).status_code == 404


def test_a_member_who_left_before_the_worker_ran_gets_nothing_made(
    viewer_client, viewer, case, queued, django_capture_on_commit_callbacks, renders
):
    with django_capture_on_commit_callbacks(execute=True):
        _download(viewer_client, case)
    Membership.objects.filter(case=case, user=viewer).delete()
    assert documents.render_for(*queued.results[0].args) == "gone"
    assert renders == []


def test_a_letter_that_takes_too_long_gets_a_plain_words_page(owner_client, case, slow_renderer):
    from cases.services.letters import start_letter

    record = RecordItem.objects.create(
        opinion=case.current_opinion(), name="MRI", source="City Hospital", position=1
    )
    letter = start_letter(case.current_opinion(), record.source)
    url = reverse("letter_download", args=[case.pk, letter.pk])
    response = owner_client.get(url)
    assert response.status_code == 503
    assert "This letter took too long to prepare" in response.content.decode()


def test_other_members_each_get_their_own_file(owner_client, caregiver_client, case, renders):
    _download(owner_client, case)
    _download(caregiver_client, case)
    _download(owner_client, case)
    assert len(renders) == 2  # "brought by" names the person who prints it


def test_deleting_the_case_removes_its_cached_pdfs(owner_client, owner, case):
    from django.core.cache import cache

    from cases.services.erasure import erase_case

    _download(owner_client, case)
    key = _key(case, owner)
    assert cache.get(key)["pdf"].startswith(b"%PDF-")
    erase_case(case, by=owner)
    assert cache.get(key) is None
