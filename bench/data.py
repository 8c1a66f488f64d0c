"""How long exporting and importing the demo's Maria case takes.

Run from the repository root:  .venv/bin/python bench/data.py [--runs 9]

It sets up Django with the test settings on a private in-memory SQLite database that it
migrates itself, loads the demo (`load_demo`), then times, for Maria Lopez's own case:
the export (case.json, the packet PDF, the ZIP), and the import of that ZIP into another
account (reading and checking the ZIP, writing the copy). It also times one export of
Maria's whole account (three cases). The last line printed is machine-readable:
    export_median_s=<s> import_median_s=<s> account_export_s=<s> zip_bytes=<n>
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "secondopinion.test_settings"
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ["DEBUG"] = "True"  # load_demo refuses to run without it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cases.models import Membership
    from cases.services.export import export_account, export_case
    from cases.services.importing import import_cases

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    users = get_user_model().objects
    maria = users.get(email="demo@example.org")
    emma = users.get(email="emma@example.org")
    membership = Membership.objects.select_related("case").get(
        user=maria, case__patient_name="Maria Lopez"
    )
    case = membership.case
    case.membership = membership

    export_case(case, maria)  # warm up: fonts are loaded on the first render
    exports, imports = [], []
    data = b""
    for _ in range(args.runs):
        started = time.perf_counter()
        result = export_case(case, maria)
        data = result.file.read()
        exports.append(time.perf_counter() - started)
        started = time.perf_counter()
        import_cases(io.BytesIO(data), emma, size=len(data))
        imports.append(time.perf_counter() - started)
    started = time.perf_counter()
    export_account(maria).file.read()
    account = time.perf_counter() - started
    print(f"runs={args.runs} export_min_s={min(exports):.3f} import_min_s={min(imports):.3f}")
    print(
        f"export_median_s={statistics.median(exports):.3f} "
        f"import_median_s={statistics.median(imports):.3f} "
        f"account_export_s={account:.3f} zip_bytes={len(data)}"
    )


if __name__ == "__main__":
    main()
