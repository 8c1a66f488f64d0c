"""Settings for the server processes tests/test_cross_process.py starts.

The test settings, with allauth's production rate limits switched back on, and a cache
key prefix of the test's own so runs sharing a Redis never see each other's counts.
"""

import importlib
import os

from secondopinion.test_settings import *  # noqa: F403

# The module itself: test_settings changed only its own copy of the name.
ACCOUNT_RATE_LIMITS = importlib.import_module("secondopinion.settings").ACCOUNT_RATE_LIMITS
CACHES["default"]["KEY_PREFIX"] = os.environ.get("TEST_CACHE_KEY_PREFIX", "")  # noqa: F405
