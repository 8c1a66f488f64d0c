"""How long the appointment packet takes to render, against a trivial one-page PDF.

Run from the repository root:  .venv/bin/python bench/packet.py [--runs 15] [--save out.pdf]

It sets up Django with the test settings on a private in-memory SQLite database that it
migrates itself, builds Maria's case (tests/packet_cases.py), then times the work of one
download (gather, render the template, WeasyPrint to PDF/UA-1) many times. The last line
printed is machine-readable:
    packet_median_s=<s> trivial_median_s=<s> ratio=<packet/trivial>
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
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--paper", choices=["a4", "letter"], default="letter")
    parser.add_argument("--save", type=Path, help="also write one packet PDF here")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.template.loader import render_to_string

    from cases.models import Membership
    from cases.pdf import render_pdf
    from cases.services.packet import build_packet
    from tests.packet_cases import make_maria

    call_command("migrate", verbosity=0)
    case = make_maria()
    case.membership = Membership.objects.get(case=case)
    user = case.membership.user

    def packet() -> bytes:
        p = build_packet(case, user, paper=args.paper)
        return render_pdf(render_to_string("cases/packet/document.html", {"packet": p}))

    def trivial() -> bytes:
        return render_pdf('<html lang="en"><title>Hello</title><body><p>Hello</p></body></html>')

    # Warm up: fonts are found and loaded on the first render of a process.
    pdf = packet()
    trivial()
    if args.save:
        args.save.write_bytes(pdf)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    # Wall time is what a person waits; CPU time is steadier on a shared, busy machine.
    timings: dict[str, list[float]] = {"packet": [], "trivial": []}
    cpu: dict[str, list[float]] = {"packet": [], "trivial": []}
    for _ in range(args.runs):
        for name, fn in (("packet", packet), ("trivial", trivial)):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            timings[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    p_med = statistics.median(timings["packet"])
    t_med = statistics.median(timings["trivial"])
    print(f"packet: {pages} pages, {len(pdf) // 1024} KiB, {args.runs} runs, paper {args.paper}")
    print(
        f"packet min/median/max: {min(timings['packet']):.3f} {p_med:.3f} "
        f"{max(timings['packet']):.3f} s"
    )
    print(
        f"cpu medians: packet {statistics.median(cpu['packet']):.3f} s, "
        f"trivial {statistics.median(cpu['trivial']):.3f} s"
    )
    print(f"packet_median_s={p_med:.4f} trivial_median_s={t_med:.4f} ratio={p_med / t_med:.1f}")


if __name__ == "__main__":
    main()
