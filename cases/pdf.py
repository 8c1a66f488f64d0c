"""Render HTML to an accessible PDF with WeasyPrint, fetching nothing over the network.

Templates link their stylesheets and images with ``{% static %}``; the fetcher reads
those from disk (through the staticfiles finders, or STATIC_ROOT after collectstatic)
and refuses every other URL, so a value typed by a user can never make the server
fetch something.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from cases import pdf_tags

# Tables and lists that cross a page break stay one structure for screen readers.
pdf_tags.install()

# A base URL that cannot resolve: relative links become absolute under it, and only
# links under its /static/ path are served.
PDF_BASE_URL = "https://pdf.invalid/"


class RefusedURL(ValueError):
    pass


class StaticFilesFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols={"https", "data"}, allow_redirects=False)
        self.prefix = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(self.prefix):
            raise RefusedURL(f"refused to fetch {url!r}: only static files are read")
        relative = url[len(self.prefix) :].split("?")[0].split("#")[0]
        path = _find_static(relative)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def _find_static(relative: str) -> Path:
    if ".." in Path(relative).parts:
        raise RefusedURL(f"refused path {relative!r}")
    found = finders.find(relative)
    if found:
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    if candidate.is_file():
        return candidate
    raise RefusedURL(f"no static file {relative!r}")


_HTML_LANG = re.compile(r"(<html\b[^>]*?\blang=)([\"'])([^\"']*)\2", re.I)


def _in_active_language(match: re.Match[str]) -> str:
    """The template's lang with the active language: "en-US" becomes "es-US" in Spanish."""
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    base, _, region = match.group(3).partition("-")
    if base.lower() == active:
        return match.group(0)
    lang = f"{active}-{region}" if region else active
    return f"{match.group(1)}{match.group(2)}{lang}{match.group(2)}"


def render_pdf(html: str) -> bytes:
    """A tagged PDF/UA-1 document; title and language come from <title> and <html lang>.

    The language is the one the document was rendered in (callers render inside
    ``translation.override``), so ``<html lang>`` follows it here for every template.
    """
    html = _HTML_LANG.sub(_in_active_language, html, count=1)
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
