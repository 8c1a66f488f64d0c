"""First download of a packet (made by the worker) against the second (from the cache).

Run from the repository root:  .venv/bin/python bench/pdf.py [--runs 15] [--db PATH]

It sets up Django with the test settings on a SQLite database file it migrates itself
(the default cache is then a table in it, as in production), builds Maria's case
(tests/packet_cases.py) and downloads her packet through Django's test client, signed in
as her. The test settings run tasks at once, so the first download includes the
worker's whole job (gather, template, WeasyPrint in a time-capped child process) and
the second is what everyone gets until the case changes: the HTML is built again and
hashed, and the PDF read from the cache. Each run changes the case first, so that every
"first" is a real miss. The last line printed is machine-readable:
    first_median_s=<s> second_median_s=<s> second_max_s=<s> second_cpu_median_s=<s>
    speedup=<first/second>
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "secondopinion.test_settings"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "bench-pdf.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from cases.models import Membership
    from tests.packet_cases import make_maria

    setup_test_environment()
    call_command("migrate", verbosity=0)
    case = make_maria()
    user = Membership.objects.get(case=case).user
    client = Client()
    client.force_login(user)
    url = reverse("packet_download", args=[case.pk]) + "?paper=letter"

    cpu: list[float] = []

    def download() -> tuple[float, bytes]:
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, response.status_code
        return elapsed, response.content

    download()  # warm up: templates compiled, fonts loaded
    firsts: list[float] = []
    seconds: list[float] = []
    seconds_cpu: list[float] = []
    for run in range(args.runs):
        case.diagnosed_by_name = f"Dr. Chen ({run})"  # a change: the next download misses
        case.save()
        first, pdf = download()
        second, again = download()
        seconds_cpu.append(cpu[-1])
        assert again == pdf
        firsts.append(first)
        seconds.append(second)
    f_med, s_med = statistics.median(firsts), statistics.median(seconds)
    print(f"packet: {len(pdf) // 1024} KiB, {args.runs} runs, SQLite with the database cache")
    print(f"first download (rendered):   median {f_med:.3f} s, max {max(firsts):.3f} s")
    print(f"second download (cached):    median {s_med:.4f} s, max {max(seconds):.4f} s")
    # On a busy, shared machine wall time swings with the load; CPU time does not.
    print(f"second download CPU time:    median {statistics.median(seconds_cpu):.4f} s")
    print(
        f"first_median_s={f_med:.4f} second_median_s={s_med:.4f} "
        f"second_max_s={max(seconds):.4f} "
        f"second_cpu_median_s={statistics.median(seconds_cpu):.4f} speedup={f_med / s_med:.1f}"
    )


if __name__ == "__main__":
    main()
