"""Words that may be translated later: a ``str``, or a lazy translation (``gettext_lazy``).

Labels, titles and messages defined at import time are lazy so that each request reads
them in its own language; annotations say ``Text`` where either is fine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text
else:
    Text = str | Promise

__all__ = ["Text"]
