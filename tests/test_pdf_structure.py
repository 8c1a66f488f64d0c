"""The structure screen readers meet in both PDFs: pairs as row headers and values, questions
as list items, one table or list even across a page break, captions and header scopes.

Each PDF is rendered once for the module (through the real download view) and its
structure tree walked with pypdf (tests/pdf_structure.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Decision, FollowUpAction, RecordItem, Result
from cases.models.items import RecordFormat, RecordStatus
from cases.pdf import render_pdf
from tests.factories import make_user
from tests.packet_cases import MARIA_QUESTIONS, built_once, make_maria
from tests.pdf_structure import Node, marked_content, pairs, structure

# The module's PDFs are built once, in a transaction of their own that is rolled back; the
# mark makes pytest-django set the test database up for them.
pytestmark = pytest.mark.django_db

EXTRA_RECORDS = 40  # enough to carry the records table over a page break


@pytest.fixture(scope="module")
def packet(django_db_setup, django_db_blocker) -> bytes:
    def build() -> bytes:
        owner = make_user("maria@example.org")
        case = make_maria(owner)
        opinion = case.current_opinion()
        RecordItem.objects.bulk_create(
            RecordItem(
                opinion=opinion,
                name=f"Scan report {n}",
                status=RecordStatus.RECEIVED,
                format=RecordFormat.PAPER,
                position=100 + n,
            )
            for n in range(1, EXTRA_RECORDS + 1)
        )
        client = Client()
        client.force_login(owner)
        response = client.get(reverse("packet_download", args=[case.pk]), {"paper": "a4"})
        assert response.status_code == 200
        return response.content

    return built_once(django_db_blocker, build)


@pytest.fixture(scope="module")
def packet_tree(packet) -> Node:
    return structure(packet)


def _tables_with_column_headers(tree: Node, *headers: str) -> list[Node]:
    found = []
    for table in tree.find_all("Table"):
        heads = table.kids("THead")
        if heads and [th.text for th in heads[0].find_all("TH")] == list(headers):
            found.append(table)
    return found


def _pair_tables(tree: Node) -> list[Node]:
    """Tables whose every row is one row header and one value."""
    return [
        table
        for table in tree.find_all("Table")
        if not table.kids("THead")
        and all(
            len(row.kids("TH")) == 1 and len(row.kids("TD")) == 1 for row in table.find_all("TR")
        )
    ]


# The packet ----------------------------------------------------------------------------


def test_packet_labels_and_values_are_row_headers_paired_with_their_values(packet_tree):
    found = [pair for table in _pair_tables(packet_tree) for pair in pairs(table)]
    for pair in [
        ("Specialist", "Dr Alan Chen, Breast oncology"),
        ("Brought by", "The patient, Maria Lopez"),
        ("Diagnosis", "Early-stage breast cancer (left breast, stage I)"),
        ("Member ID", "XJH123456789"),
        ("Primary provider", "Dr Emily Ross, (555) 201-3300"),
    ]:
        assert pair in found, found
    # The reasons stay a list inside their value.
    reasons = [t for t in _pair_tables(packet_tree) if "Why another opinion" in t.text][0]
    why = [row for row in reasons.find_all("TR") if row.kids("TH")[0].text.startswith("Why")]
    assert len(why[0].kids("TD")[0].find_all("LI")) == 2
    # No label is read as a list item of its own, apart from its value.
    item_texts = {li.text for li in packet_tree.find_all("LI")}
    assert not {"Specialist", "Diagnosis", "Member ID", "Brought by"} & item_texts


def test_packet_questions_are_one_list_of_items_with_label_and_body(packet_tree):
    questions = [
        lst
        for lst in packet_tree.find_all("L")
        if any(MARIA_QUESTIONS[0] in li.text for li in lst.kids("LI"))
    ]
    assert len(questions) == 1, "the questions are one list even across the page break"
    items = questions[0].kids("LI")
    assert len(items) == len(MARIA_QUESTIONS)
    for number, (item, text) in enumerate(zip(items, MARIA_QUESTIONS, strict=True), start=1):
        assert [kid.role for kid in item.children] == ["Lbl", "LBody"], item.outline()
        assert item.kids("Lbl")[0].text == f"{number}."
        assert item.kids("LBody")[0].text == text
    assert len(questions[0].all_pages()) >= 2, "this list does cross a page break"


def test_packet_records_table_is_one_table_across_a_page_break(packet_tree):
    tables = _tables_with_column_headers(
        packet_tree, "Record", "Status", "Format", "At the appointment", "Attached documents"
    )
    assert len(tables) == 1, packet_tree.outline()
    table = tables[0]
    assert len(table.all_pages()) >= 2, "the table does cross a page break"
    # The header repeated on the next page is drawn but not read again.
    assert len(table.kids("THead")) == 1
    assert len(table.kids("TBody")) == 1
    rows = table.kids("TBody")[0].kids("TR")
    assert len(rows) == 6 + EXTRA_RECORDS
    assert rows[-1].kids("TD")[0].text == f"Scan report {EXTRA_RECORDS}"
    # Every cell, on every page, points at a header cell of this table.
    ids = {th.attributes.get("ID") for th in table.find_all("TH")}
    for row in rows:
        for cell in row.kids("TD"):
            assert cell.attributes["Headers"] and set(cell.attributes["Headers"]) <= ids


def test_packet_sections_stay_whole_and_every_header_cell_has_a_scope(packet_tree):
    sections = packet_tree.kids("Sect")
    headings = [s.kids("H2")[0].text for s in sections]
    assert headings == [
        "Cover",
        "Summary for the specialist",
        "Medications and dosages",
        "Records",
        "Insurance and referral",
        "Questions for the doctor",
        "Contacts",
        "Reminders for the appointment",
        "Notes",
    ]
    scopes = {th.attributes.get("Scope") for th in packet_tree.find_all("TH")}
    assert scopes == {"/Row", "/Column"}
    caption = _tables_with_column_headers(packet_tree, "Date", "Spoke with", "Reference")[0]
    assert caption.children[0].role == "Caption"
    assert caption.children[0].text == "Calls to the insurer"


def test_packet_running_header_is_an_artifact_not_content(packet, packet_tree):
    assert "Page 1 of" not in packet_tree.text
    assert "appointment packet Page" not in packet_tree.text
    # Yet it is printed on every page.
    first_page = PdfReader(io.BytesIO(packet)).pages[0].extract_text()
    assert "Page 1 of" in first_page


def test_packet_content_is_all_in_the_tree_or_marked_as_an_artifact(packet, packet_tree):
    """Every marked-content sequence belongs to one element of the tree, once."""
    in_tree = [mcid for node in packet_tree.iter() for mcid in node.mcids]
    assert len(in_tree) == len(set(in_tree))
    assert set(in_tree) == set(marked_content(packet))


def test_packet_keeps_pdf_ua_identification_title_and_language(packet):
    reader = PdfReader(io.BytesIO(packet))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-US"
    assert bool(root["/MarkInfo"]["/Marked"])
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part(>|=\")1", xmp)
    assert reader.metadata.title == "Appointment packet – Maria Lopez"
    # Header cells carry IDs: PDF 1.7 asks for them in an IDTree.
    id_tree = root["/StructTreeRoot"]["/IDTree"].get_object()
    assert len(id_tree["/Names"]) >= 2


# The decision summary ------------------------------------------------------------------


@pytest.fixture(scope="module")
def summaries(django_db_setup, django_db_blocker) -> dict[str, bytes]:
    def build() -> dict[str, bytes]:
        owner = make_user("maria@example.org")
        case = make_maria(owner)
        opinion = case.current_opinion()
        opinion.result = Result.ADJUSTMENT
        opinion.outcome_on = dt.date(2026, 1, 20)
        opinion.outcome_diagnosis = "Early-stage breast cancer"
        opinion.outcome_treatment = "Lumpectomy followed by radiation"
        opinion.decision = Decision.SWITCH
        opinion.decision_reason = "A less invasive path with the same outcomes."
        opinion.decided_on = dt.date(2026, 1, 25)
        opinion.save()
        FollowUpAction.objects.create(opinion=opinion, description="Book the radiation consult")
        client = Client()
        client.force_login(owner)
        url = reverse("decision_summary", args=[case.pk])

        def get(url, region, **params):
            return client.get(url, params, headers={"accept-language": region}).content

        return {
            "en-US": get(url, "en-US"),
            "en-GB": get(url, "en-GB"),
            "letter picked": get(url, "en-GB", paper="letter"),
            "a4 picked": get(url, "en-US", paper="a4"),
            "compare page": get(reverse("opinion_compare", args=[case.pk]), "en-US"),
            "case page": get(reverse("case_detail", args=[case.pk]), "en-GB"),
            "url": url.encode(),
        }

    return built_once(django_db_blocker, build)


def test_summary_decision_is_row_headers_paired_with_values(summaries):
    tree = structure(summaries["en-GB"])
    assert tree.all_mcids() == set(marked_content(summaries["en-GB"]))
    found = dict(pair for table in _pair_tables(tree) for pair in pairs(table))
    assert found == {
        "After the second opinion": "Switch to this provider",
        "Why": "A less invasive path with the same outcomes.",
        "Decided on": "25 January 2026",
    }


def test_summary_comparison_has_a_caption_and_scoped_header_cells(summaries):
    tree = structure(summaries["en-GB"])
    table = [t for t in tree.find_all("Table") if t.kids("THead")][0]
    assert table.children[0].role == "Caption"
    assert table.children[0].text == "What each opinion said, the original first"
    columns = table.kids("THead")[0].find_all("TH")
    assert [th.attributes["Scope"] for th in columns] == ["/Column"] * 3
    assert columns[0].text == "What they said about"
    assert columns[1].text.startswith("Original opinion")
    rows = table.kids("TBody")[0].kids("TR")
    labels = [row.kids("TH")[0].text for row in rows]
    assert "Diagnosis" in labels
    for row in rows:
        header = row.kids("TH")[0]
        assert header.attributes["Scope"] == "/Row"
        for cell in row.kids("TD"):
            assert header.attributes["ID"] in cell.attributes["Headers"]
    actions = [li.kids("LBody")[0].text for li in tree.find_all("LI")]
    assert actions == ["Book the radiation consult"]


@pytest.mark.parametrize(
    ("which", "size"),
    [
        ("en-US", (612, 792)),
        ("en-GB", (595, 842)),
        ("letter picked", (612, 792)),
        ("a4 picked", (595, 842)),
    ],
)
def test_summary_paper_follows_the_region_or_the_pick(summaries, which, size):
    reader = PdfReader(io.BytesIO(summaries[which]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert reader.metadata.title == "Decision summary for Maria Lopez"
    assert re.search(r"pdfuaid:part(>|=\")1", root["/Metadata"].get_object().get_data().decode())


def test_compare_page_offers_both_paper_sizes_with_the_regions_checked(summaries):
    html = summaries["compare page"].decode()
    assert 'name="paper" id="summary-paper-a4" value="a4">' in html
    assert 'name="paper" id="summary-paper-letter" value="letter" checked>' in html
    assert "Download the decision summary (PDF)" in html


def test_case_page_links_to_the_summary_on_the_regions_paper(summaries):
    html = summaries["case page"].decode()
    url = summaries["url"].decode()
    assert f'href="{url}?paper=a4">Download the decision summary (PDF, A4)</a>' in html


# The repair itself, on a plain document --------------------------------------------------


def test_a_long_table_and_list_stay_one_structure_over_three_pages():
    rows = "".join(f"<tr><th scope='row'>Row {n}</th><td>Value {n}</td></tr>" for n in range(90))
    items = "".join(f"<li>Item {n}</li>" for n in range(120))
    html = f"""<!doctype html><html lang="en"><head><title>Long</title>
      <style>@page {{ size: A6; @top-right {{ content: "Page " counter(page) }} }}</style>
      </head><body><section><h1>Long</h1>
      <table><caption>Rows</caption><thead><tr><th scope="col">Name</th>
      <th scope="col">Value</th></tr></thead><tbody>{rows}</tbody>
      <tfoot><tr><th scope="row">Total</th><td>90 rows</td></tr></tfoot></table>
      <ol>{items}</ol></section></body></html>"""
    pdf = render_pdf(html)
    tree = structure(pdf)
    assert len(tree.kids("Sect")) == 1
    (table,) = tree.find_all("Table")
    assert len(table.all_pages()) >= 3
    # Header and footer are repeated on every page, but read once; the footer comes last.
    assert [kid.role for kid in table.children] == ["Caption", "THead", "TBody", "TFoot"]
    assert len(table.kids("TBody")[0].kids("TR")) == 90
    assert table.kids("TFoot")[0].text == "Total 90 rows"
    assert {th.attributes["Scope"] for th in table.kids("TBody")[0].find_all("TH")} == {"/Row"}
    (items_list,) = tree.find_all("L")
    assert len(items_list.all_pages()) >= 3
    assert [li.kids("LBody")[0].text for li in items_list.kids("LI")] == [
        f"Item {n}" for n in range(120)
    ]
    assert "Page" not in tree.text
    assert tree.all_mcids() == set(marked_content(pdf))
