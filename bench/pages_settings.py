"""bench/pages.py's settings: production settings, plus what a benchmark needs.

- a "hello" inside the app (bench/pages_urls.py), so the cost of the middleware, the
  session and the user is measured apart from any page;
- no per-person download limit, so two people can download packets for the whole run;
- static files collected into the run's temporary folder.
"""

import os

from secondopinion.settings import *  # noqa: F403
from secondopinion.settings import RATE_LIMITS

ROOT_URLCONF = "pages_urls"
RATE_LIMITS = {**RATE_LIMITS, "download_user": (10**9, 60)}
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
