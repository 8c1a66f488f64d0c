"""Find user-facing text in templates that is not marked for translation.

Run as ``python -m tests.i18n_scan [paths...]`` to list what is left; the i18n tests use
``untranslated(path)`` so that a new English sentence outside ``{% translate %}`` or
``{% blocktranslate %}`` fails the suite.

What counts as text: words in the template's text between tags (``<p>Save</p>``), and the
values of the attributes a person reads or hears (alt, title, aria-label, placeholder,
aria-description, aria-roledescription, and the value of submit/button inputs). Text inside
``<script>``, ``<style>``, HTML comments, ``{% comment %}`` and translation blocks is not.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Words that read the same in English and Spanish (names of formats and laws).
SAME_IN_BOTH = {
    "PDF",
    "HIPAA",
    "ZIP",
    "JSON",
    "CSV",
    "DICOM",
    "URL",
    "ID",
    "OK",
    "A4",
    "TOTP",
    "HHS",
    "OCR",
}

_SKIP_ELEMENTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_READ_ATTRS = re.compile(
    r"""\b(alt|title|aria-label|placeholder|aria-description|aria-roledescription)\s*=\s*(?:"([^"]*)"|'([^']*)')""",
    re.I,
)
_TAG = re.compile(r"<[^>]*>", re.S)
_ENTITY = re.compile(r"&[#\w]+;")
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")

_OPENERS = {"blocktranslate", "blocktrans", "comment"}
_CLOSERS = {"endblocktranslate", "endblocktrans", "endcomment"}


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w not in SAME_IN_BOTH]


def _text_outside_blocks(source: str) -> str:
    """The template's literal text, with translation and comment blocks left out.

    Variables and tags become a space, so attribute values built only from variables are
    empty and a sentence split by a tag still shows its words.
    """
    depth = 0
    parts: list[str] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in _OPENERS:
                depth += 1
            elif name in _CLOSERS:
                depth = max(0, depth - 1)
            parts.append(" ")
        elif token.token_type == TokenType.TEXT and depth == 0:
            parts.append(token.contents)
        else:
            parts.append(" ")
    return "".join(parts)


def untranslated(path: Path) -> list[str]:
    """The pieces of text in one template that a person would read untranslated."""
    text = _text_outside_blocks(path.read_text(encoding="utf-8"))
    text = _COMMENT.sub(" ", text)
    text = _SKIP_ELEMENTS.sub(" ", text)
    found: list[str] = []
    for match in _READ_ATTRS.finditer(text):
        value = match.group(2) if match.group(2) is not None else match.group(3) or ""
        if _words(_ENTITY.sub(" ", value)):
            found.append(f'{match.group(1)}="{value.strip()}"')
    # Submit buttons written as <input value="...">.
    for tag in re.findall(r"<input\b[^>]*>", text, re.I):
        if re.search(r"type\s*=\s*[\"']?(submit|button|reset)", tag, re.I):
            value = re.search(r"value\s*=\s*\"([^\"]*)\"", tag)
            if value and _words(value.group(1)):
                found.append(f'value="{value.group(1)}"')
    if path.suffix == ".html":
        text = _TAG.sub(" ", text)
    for line in _ENTITY.sub(" ", text).splitlines():
        if _words(line):
            found.append(line.strip())
    return found


def template_files(root: Path = TEMPLATES) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.suffix in {".html", ".txt"} and path.is_file():
            yield path


def main(argv: list[str]) -> int:
    import django

    roots = [Path(a) for a in argv] or [TEMPLATES]
    django.setup()
    total = 0
    for root in roots:
        files = [root] if root.is_file() else list(template_files(root))
        for path in files:
            for piece in untranslated(path):
                total += 1
                print(f"{path}: {piece[:100]}")
    print(f"{total} untranslated pieces", file=sys.stderr)
    return 1 if total else 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondopinion.test_settings")
    raise SystemExit(main(sys.argv[1:]))
