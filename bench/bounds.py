"""How long the largest case the limits allow takes to print: the packet and the summary.

Run from the repository root:  .venv/bin/python bench/bounds.py [--runs 3] [--save dir]

It sets up Django with the test settings on a private in-memory SQLite database that it
migrates itself, builds the largest allowed case (tests/largest_case.py: every text
field at its maximum, every list at its limit, cases/limits.py), then times the work of
one packet download (gather, render the template, WeasyPrint to PDF/UA-1, the same
functions the download view calls) and one decision summary. The target is under 5 s
each on the project's two-core machine. The last line printed is machine-readable:
    packet_median_s=<s> packet_pages=<n> summary_median_s=<s> summary_pages=<n>
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "secondopinion.test_settings"
os.environ["DATABASE_URL"] = "sqlite://:memory:"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paper", choices=["a4", "letter"], default="letter")
    parser.add_argument("--save", type=Path, help="also write both PDFs into this folder")
    parser.add_argument(
        "--limit", action="append", default=[], help="try another limit: records=50"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.CASE_LIMITS = {k: int(v) for k, v in (item.split("=") for item in args.limit)}
    from django.core.management import call_command
    from django.template.loader import render_to_string

    from cases import limits
    from cases.pdf import render_pdf
    from cases.services.packet import build_packet
    from cases.services.summary import decision_summary_html
    from tests.largest_case import make_largest_case

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    case = make_largest_case()
    print(f"built the largest case in {time.perf_counter() - started:.1f} s")
    print("limits: " + ", ".join(f"{k}={limits.most(k)}" for k in limits.DEFAULTS))

    def packet() -> bytes:
        p = build_packet(case, case.membership.user, paper=args.paper)
        return render_pdf(render_to_string("cases/packet/document.html", {"packet": p}))

    def summary() -> bytes:
        html, _ = decision_summary_html(case, paper=args.paper)
        return render_pdf(html)

    render_pdf('<html lang="en"><title>Warm</title><body><p>Fonts</p></body></html>')
    results = {}
    for name, work in (("packet", packet), ("summary", summary)):
        times, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            pdf = work()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        pages = _pages(pdf)
        results[name] = (statistics.median(times), pages)
        print(
            f"{name}: median {statistics.median(times):.2f} s, max {max(times):.2f} s, "
            f"CPU median {statistics.median(cpu):.2f} s, {pages} pages, {len(pdf) // 1024} KB"
        )
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"largest-{name}.pdf").write_bytes(pdf)
    print(
        f"packet_median_s={results['packet'][0]:.2f} packet_pages={results['packet'][1]} "
        f"summary_median_s={results['summary'][0]:.2f} summary_pages={results['summary'][1]}"
    )


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


if __name__ == "__main__":
    main()
