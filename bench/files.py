"""How long attaching documents and downloading the packet with records take.

Run from the repository root:  .venv/bin/python bench/files.py [--runs 9]

It sets up Django with the test settings on a private in-memory SQLite database that it
migrates itself, attachments in a temporary folder, loads the demo (`load_demo`), then,
for Maria Lopez's case:
- upload: attaching the demo's pathology PDF and lab-results image through the view (a
  multipart POST with the checks by content, page count, thumbnail and storage);
- bundle: the packet with records with the demo's attachments, and again with 20 attached
  pages (four 4-page PDFs and four 2000x1500 phone photos), each timed as the packet
  alone, the bundle download, and their difference (joining the records: the target is
  under 2 s for 20 pages).
The last line printed is machine-readable:
    upload_median_s=<s> packet_median_s=<s> bundle20_median_s=<s> join20_median_s=<s>
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "secondopinion.test_settings"
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ["DEBUG"] = "True"  # load_demo refuses to run without it
os.environ["PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="so-bench-files-")


def _median(xs: list[float]) -> str:
    return f"{statistics.median(xs):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from cases.demo.files import _lab_results_png, _pathology_pdf
    from cases.models import Attachment, Case
    from cases.services.files import attach
    from tests.files_support import image_bytes, pdf_bytes

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    maria = get_user_model().objects.get(email="demo@example.org")
    case = Case.objects.get(patient_name="Maria Lopez", memberships__user=maria)
    client = Client()
    client.force_login(maria)
    records = list(case.current_opinion().records.order_by("position", "id"))
    pathology, labs = (next(r for r in records if r.kind == k) for k in ("pathology", "labs"))
    pdf, png = _pathology_pdf(), _lab_results_png()

    cpu: dict[str, list[float]] = {}

    def get(name: str) -> float:
        """Wall time; the CPU time (this process's) goes in ``cpu``, steadier on a busy box."""
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(reverse(name, kwargs={"case_id": case.pk}) + "?paper=a4")
        assert response.status_code == 200, response.status_code
        cpu.setdefault(name, []).append(time.process_time() - started_cpu)
        return time.perf_counter() - started

    uploads = []
    for _ in range(args.runs):
        started = time.perf_counter()
        for record, name, data, kind in (
            (pathology, "Pathology report.pdf", pdf, "application/pdf"),
            (labs, "Lab results.png", png, "image/png"),
        ):
            url = reverse("record_file_add", kwargs={"case_id": case.pk, "item_id": record.pk})
            response = client.post(url, {"files": SimpleUploadedFile(name, data, kind)})
            assert response.status_code == 302, response.status_code
        uploads.append(time.perf_counter() - started)
        for a in Attachment.objects.in_case(case).order_by("-id")[:2]:
            a.delete()

    get("packet_bundle_download")  # warm up: fonts are loaded on the first render
    demo_packet, demo_bundle = [], []
    for _ in range(args.runs):
        demo_packet.append(get("packet_download"))
        demo_bundle.append(get("packet_bundle_download"))
    pages = sum(a.printable_pages for a in Attachment.objects.in_case(case))
    print(
        f"demo attachments ({pages} pages): packet_median_s={_median(demo_packet)} "
        f"bundle_median_s={_median(demo_bundle)}"
    )

    Attachment.objects.in_case(case).delete()
    for record in records[:4]:
        attach(record, [SimpleUploadedFile("report.pdf", pdf_bytes(4))], maria)
        photo = image_bytes("JPEG", (2000, 1500))
        attach(record, [SimpleUploadedFile("photo.jpg", photo, "image/jpeg")], maria)
    pages = sum(a.printable_pages for a in Attachment.objects.in_case(case))
    assert pages == 20, pages
    cpu.clear()
    packets, bundles, joins = [], [], []
    for _ in range(args.runs):
        packet = get("packet_download")
        bundle = get("packet_bundle_download")
        packets.append(packet)
        bundles.append(bundle)
        joins.append(bundle - packet)
    print(f"runs={args.runs} upload (2 files, one request each): min {min(uploads):.3f} s")
    cpu_join = [
        b - p for p, b in zip(cpu["packet_download"], cpu["packet_bundle_download"], strict=True)
    ]
    print(
        f"CPU: packet_median_s={_median(cpu['packet_download'])} "
        f"bundle20_median_s={_median(cpu['packet_bundle_download'])} "
        f"join20_median_s={_median(cpu_join)}"
    )
    print(
        f"upload_median_s={_median(uploads)} packet_median_s={_median(packets)} "
        f"bundle20_median_s={_median(bundles)} join20_median_s={_median(joins)}"
    )


if __name__ == "__main__":
    main()
