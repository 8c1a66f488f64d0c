"""Documents attached in the demo: made here, so no binary files live in the repository.

Maria's case: a pathology report (a PDF) and a photo of lab results (a PNG). John's
case: a ZIP like the DICOM folder copied from an imaging disc. All say they are samples.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, RecordItem
from cases.models.items import RecordKind
from cases.services.files import attach

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PATHOLOGY_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Surgical pathology report (sample)</title>
<style>body{font-family:sans-serif;font-size:11pt} h1{font-size:16pt}</style></head><body>
<p><strong>SAMPLE DOCUMENT for the Second Opinion demo: not a real patient.</strong></p>
<h1>Riverside Community Hospital: surgical pathology report</h1>
<p>Patient: Maria Lopez. Specimen: left breast, core needle biopsy.</p>
<h2>Diagnosis</h2>
<p>Invasive ductal carcinoma, grade 2, measuring 1.4 cm in the core. ER positive (95%),
PR positive (80%), HER2 negative (IHC 1+). Ki-67 15%.</p>
<h2>Comment</h2><p>Findings reviewed at the intradepartmental consensus conference.</p>
</body></html>"""


def _pathology_pdf() -> bytes:
    from cases.pdf import render_pdf

    return render_pdf(PATHOLOGY_HTML)


def _lab_results_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 600), "white")
    draw = ImageDraw.Draw(image)
    lines = [
        "SAMPLE - Second Opinion demo, not a real patient",
        "Riverside Community Hospital - Laboratory results",
        "Patient: Maria Lopez",
        "",
        "Hemoglobin        13.1 g/dL     (12.0-15.5)",
        "White cells        6.2 x10^9/L  (4.0-11.0)",
        "Platelets          251 x10^9/L  (150-400)",
        "Creatinine        0.8 mg/dL     (0.6-1.1)",
        "ALT                 22 U/L       (7-35)",
    ]
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * 50), line, fill="black", font_size=28)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _dicom_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", "Sample DICOM folder for the Second Opinion demo.\n")
        archive.writestr("DICOMDIR", b"\0" * 128 + b"DICM")
        for n in range(1, 4):
            archive.writestr(f"DICOM/IM{n:04d}", b"\0" * 128 + b"DICM" + bytes(2048))
    return out.getvalue()


def _record(case: Case, kind: str) -> RecordItem:
    return case.current_opinion().records.get(kind=kind)


def attach_demo_files(case: Case, user: User) -> None:
    if case.patient_name == "Maria Lopez":
        pdf = SimpleUploadedFile("Pathology report.pdf", _pathology_pdf(), "application/pdf")
        attach(_record(case, RecordKind.PATHOLOGY), [pdf], user)
        png = SimpleUploadedFile("Lab results (photo).png", _lab_results_png(), "image/png")
        attach(_record(case, RecordKind.LABS), [png], user)
    elif case.patient_name == "John Lopez":
        archive = SimpleUploadedFile("MRI disc (DICOM).zip", _dicom_zip(), "application/zip")
        attach(_record(case, RecordKind.IMAGES), [archive], user)
