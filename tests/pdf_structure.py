"""Read a tagged PDF's structure tree as a screen reader meets it, for tests.

``structure(pdf_bytes)`` returns the Document element as a tree of ``Node``: each with its
role (P, Table, TH, LI...), its attributes (Scope, Headers...), the pages its content is
on, and the text of its own marked content and of everything under it. Content marked
as an artifact (page furniture) belongs to no element and so appears nowhere here.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


@dataclass
class Node:
    role: str
    attributes: dict
    pages: set[int] = field(default_factory=set)
    children: list[Node] = field(default_factory=list)
    own_text: str = ""
    mcids: set[tuple[int, int]] = field(default_factory=set)

    @property
    def text(self) -> str:
        """All the text under this element, in reading order, spaces squeezed."""
        parts = [self.own_text, *(child.text for child in self.children)]
        return " ".join(" ".join(p.split()) for p in parts if p.strip())

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, role: str) -> list[Node]:
        return [node for node in self.iter() if node.role == role]

    def kids(self, role: str) -> list[Node]:
        return [child for child in self.children if child.role == role]

    def all_mcids(self) -> set[tuple[int, int]]:
        """The (page, MCID) of every marked-content sequence under this element."""
        return set().union(*(node.mcids for node in self.iter()))

    def all_pages(self) -> set[int]:
        pages = set()
        for node in self.iter():
            pages |= node.pages
        return pages

    def outline(self, depth: int = 0) -> str:
        """An indented listing, for assertion messages."""
        line = "  " * depth + self.role + (f" {self.attributes}" if self.attributes else "")
        if self.own_text.strip():
            line += f" {self.own_text.strip()[:40]!r}"
        return "\n".join([line, *(child.outline(depth + 1) for child in self.children)])


def marked_content(pdf: bytes) -> dict[tuple[int, int], str]:
    """Every marked-content sequence with an MCID, by (page index, MCID), with its text."""
    return _marked_text(PdfReader(io.BytesIO(pdf)))


def _marked_text(reader: PdfReader) -> dict[tuple[int, int], str]:
    texts: dict[tuple[int, int], list[str]] = defaultdict(list)
    for index, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(operator, args, cm, tm, stack=stack, index=index):
            if operator == b"BDC":
                props = args[1] if len(args) > 1 else None
                mcid = props.get("/MCID") if isinstance(props, DictionaryObject) else None
                stack.append(mcid)
                if mcid is not None:
                    texts[(index, int(mcid))]  # noqa: B018 (seen, even without text)
            elif operator == b"BMC":
                stack.append(None)
            elif operator == b"EMC" and stack:
                stack.pop()

        def on_text(text, cm, tm, font, size, stack=stack, index=index):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None and text:
                texts[(index, int(mcid))].append(text)

        page.extract_text(visitor_operand_before=before, visitor_text=on_text)
    return {key: "".join(parts) for key, parts in texts.items()}


def structure(pdf: bytes) -> Node:
    reader = PdfReader(io.BytesIO(pdf))
    page_of = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    texts = _marked_text(reader)
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()

    def page_index(obj) -> int | None:
        pg = obj.get("/Pg")
        return page_of.get(pg.idnum) if isinstance(pg, IndirectObject) else None

    def build(obj: DictionaryObject) -> Node:
        attributes = {}
        raw = obj.get("/A")
        if raw is not None:
            for key, value in raw.get_object().items():
                if key != "/O":
                    attributes[key.lstrip("/")] = (
                        [str(v) for v in value] if isinstance(value, ArrayObject) else str(value)
                    )
        if "/ID" in obj:
            attributes["ID"] = str(obj["/ID"])
        node = Node(role=str(obj["/S"]).lstrip("/"), attributes=attributes)
        own: list[str] = []
        kids = obj.get("/K")
        kids = kids.get_object() if kids is not None else []
        if not isinstance(kids, ArrayObject):
            kids = [kids]
        for kid in kids:
            target = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(target, int):
                mcid = (page_index(obj), int(target))
            elif isinstance(target, DictionaryObject) and target.get("/Type") == "/MCR":
                mcid = (page_index(target), int(target["/MCID"]))
            else:
                mcid = None
            if mcid is not None:
                node.pages.add(mcid[0])
                node.mcids.add(mcid)
                own.append(texts.get(mcid, ""))
            if isinstance(target, DictionaryObject) and "/S" in target:
                node.children.append(build(target))
        node.own_text = " ".join(own)
        return node

    documents = root["/K"]
    documents = documents if isinstance(documents, ArrayObject) else [documents]
    assert len(documents) == 1, "one Document element"
    return build(documents[0].get_object())


def pairs(table: Node) -> list[tuple[str, str]]:
    """A table of row headers and values as (label, value) pairs, row by row."""
    result = []
    for row in table.find_all("TR"):
        headers, cells = row.kids("TH"), row.kids("TD")
        assert len(headers) == 1 and len(cells) == 1, row.outline()
        assert headers[0].attributes.get("Scope") == "/Row", row.outline()
        result.append((headers[0].text, cells[0].text))
    return result
