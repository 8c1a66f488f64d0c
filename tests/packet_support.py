"""Reading a downloaded packet: its pages' text, in order, and their paper size, for the
packet tests (tests/test_packet.py, tests/test_packet_pages.py)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

A4 = (595, 842)
LETTER = (612, 792)


def read_pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def pdf_text(reader: PdfReader) -> str:
    # Lines wrap where the page does; compare with whitespace collapsed.
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def assert_in_order(text: str, *parts: str) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found != -1, f"{part!r} missing, or out of order, after position {position}"
        position = found + len(part)


def page_size(reader: PdfReader, page: int = 0) -> tuple[int, int]:
    box = reader.pages[page].mediabox
    return round(float(box.width)), round(float(box.height))
