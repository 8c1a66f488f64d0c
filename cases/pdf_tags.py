"""Repairs to WeasyPrint's PDF structure tree, so screen readers meet the document's real shape.

WeasyPrint 70 tags a PDF page by page. An element that crosses a page break becomes one
structure element per page (a table over two pages is two tables, a list two lists:
Kozea/WeasyPrint#2903), a table's header and footer rows are tagged again on every page
they are repeated on, the running header in the page margin is tagged as orphaned
content, and header cells carry no Scope (Kozea/WeasyPrint#2508). This module wraps the
two functions that build the tree:

- while the tree is built, it notes which HTML element each structure element came from,
  and gives every TH the Scope its ``scope`` attribute asks for;
- once it is built, it joins consecutive fragments of one element on successive pages
  into one structure element (recursively, so the rows of a split table end up in one
  TBody), keeps one header and one footer of such a table (the footer last), marks the
  repeated ones and the running header as artifacts, and lists element IDs in an IDTree
  as PDF 1.7 requires.

Nothing in the rendering call changes: the wrappers are installed when ``cases.pdf`` is
imported. WeasyPrint is pinned; the structure tests fail if an upgrade changes the
functions wrapped here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import pydyf
import weasyprint.pdf
import weasyprint.pdf.tags
from weasyprint.layout.absolute import AbsolutePlaceholder

# id() of each structure element -> the HTML element it was made for, during one render.
_SOURCES: ContextVar[dict[int, Any] | None] = ContextVar("pdf_tag_sources", default=None)

_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}
_REPEATED_GROUPS = ("/THead", "/TFoot")

_original_build_box_tree = weasyprint.pdf.tags._build_box_tree
_original_add_tags = weasyprint.pdf.add_tags


def _build_box_tree(
    box: Any,
    parent: Any,
    pdf: pydyf.PDF,
    page_number: int,
    nums: Any,
    annotations: Any,
    tags: Any,
) -> Iterator[Any]:
    """WeasyPrint's builder, noting each structure element's HTML element on the way."""
    sources = _SOURCES.get()
    source = box._box if isinstance(box, AbsolutePlaceholder) else box
    for element in _original_build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        # Inner calls see their element first: html and body pass their children up.
        if sources is not None and id(element) not in sources:
            sources[id(element)] = source.element
            if element["S"] == "/TH" and source.element is not None:
                scope = source.element.attrib.get("scope", "col")
                element["A"]["Scope"] = _SCOPES.get(scope, "/Column")
        yield element


def _add_tags(pdf: pydyf.PDF, document: Any, pdf_version: Any, page_streams: list[Any]) -> None:
    sources: dict[int, Any] = {}
    token = _SOURCES.set(sources)
    try:
        _original_add_tags(pdf, document, pdf_version, page_streams)
    finally:
        _SOURCES.reset(token)
    _Repair(pdf, page_streams, sources).run()


class _Repair:
    def __init__(self, pdf: pydyf.PDF, page_streams: list, sources: dict[int, Any]) -> None:
        self.pdf = pdf
        self.page_streams = page_streams
        self.sources = sources
        # Structure element references replaced by others (fragments joined to the first).
        self.moved: dict[bytes, bytes] = {}
        root = self._object(pdf.catalog["StructTreeRoot"])
        self.root = root
        self.parent_tree = self._object(root["ParentTree"])

    def _object(self, reference: bytes) -> Any:
        return self.pdf.objects[int(reference.split()[0])]

    def _element(self, kid: Any) -> pydyf.Dictionary | None:
        """The structure element a /K entry refers to, if it is one (not an MCID or OBJR)."""
        if isinstance(kid, bytes) and kid.endswith(b" R"):
            obj = self._object(kid)
            if isinstance(obj, pydyf.Dictionary) and "S" in obj:
                return obj
        return None

    def run(self) -> None:
        document = self._object(self.root["K"][0])
        self._join(document)
        self._fix_parent_tree()
        self._mark_unreachable_content_as_artifacts(document)
        self._add_id_tree(document)

    # Joining page fragments

    def _join(self, element: pydyf.Dictionary) -> None:
        kids = list(element["K"])
        id_map: dict[str, pydyf.String] = {}
        if element["S"] == "/Table":
            kids, id_map = self._table_groups(kids)
        kept: list[Any] = []
        for kid in kids:
            child = self._element(kid)
            previous = self._element(kept[-1]) if kept else None
            source = self.sources.get(id(child)) if child is not None else None
            if (
                child is not None
                and previous is not None
                and source is not None
                and self.sources.get(id(previous)) is source
                and previous["S"] == child["S"]
                and previous["Pg"] != child["Pg"]
            ):
                self._absorb(previous, child)
                continue
            kept.append(kid)
        element["K"] = pydyf.Array(kept)
        if id_map:
            self._retarget_headers(element, id_map)
        for kid in kept:
            child = self._element(kid)
            if child is not None:
                self._join(child)

    def _table_groups(self, kids: list[Any]) -> tuple[list[Any], dict[str, pydyf.String]]:
        """A joined table's header and footer once each, the footer last.

        Each page repeats them: the repeats are drawn for the eye but not read again, and
        their cells' IDs are mapped to the first header's, for the data cells' Headers.
        """
        firsts: dict[int, pydyf.Dictionary] = {}
        body: list[Any] = []
        footers: list[Any] = []
        id_map: dict[str, pydyf.String] = {}
        for kid in kids:
            child = self._element(kid)
            group = child["S"] if child is not None else None
            if group in _REPEATED_GROUPS:
                source = self.sources.get(id(child))
                first = firsts.get(id(source)) if source is not None else None
                if first is not None:
                    id_map.update(self._header_ids(child, first))
                    continue
                if source is not None:
                    firsts[id(source)] = child
                if group == "/TFoot":
                    footers.append(kid)
                    continue
            body.append(kid)
        return body + footers, id_map

    def _absorb(self, keep: pydyf.Dictionary, drop: pydyf.Dictionary) -> None:
        """Move a later page's fragment into the first fragment of the same element."""
        for kid in drop["K"]:
            if isinstance(kid, int):
                # An MCID is read against the element's page: name the page it is on.
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": drop["Pg"], "MCID": kid})
            else:
                child = self._element(kid)
                if child is not None:
                    child["P"] = keep.reference
            keep["K"].append(kid)
        self.moved[drop.reference] = keep.reference
        drop.clear()

    def _cells(self, element: pydyf.Dictionary) -> list[pydyf.Dictionary]:
        cells = []
        for kid in element["K"]:
            child = self._element(kid)
            if child is None:
                continue
            if child["S"] in ("/TH", "/TD"):
                cells.append(child)
            else:
                cells.extend(self._cells(child))
        return cells

    def _header_ids(
        self, repeat: pydyf.Dictionary, first: pydyf.Dictionary
    ) -> dict[str, pydyf.String]:
        """The repeated header cells' IDs mapped to the first header's, cell by cell."""
        return {
            again["ID"].string: original["ID"]
            for again, original in zip(self._cells(repeat), self._cells(first), strict=False)
            if "ID" in again and "ID" in original
        }

    def _retarget_headers(self, element: pydyf.Dictionary, id_map: dict) -> None:
        for cell in self._cells(element):
            headers = cell.get("A", {}).get("Headers")
            if headers:
                cell["A"]["Headers"] = pydyf.Array(id_map.get(h.string, h) for h in headers)

    def _fix_parent_tree(self) -> None:
        def final(reference: bytes) -> bytes:
            while reference in self.moved:
                reference = self.moved[reference]
            return reference

        nums = self.parent_tree["Nums"]
        for i in range(1, len(nums), 2):
            if isinstance(nums[i], list):
                nums[i] = pydyf.Array(
                    final(ref) if isinstance(ref, bytes) else ref for ref in nums[i]
                )
            elif isinstance(nums[i], bytes):
                nums[i] = final(nums[i])

    # Content no structure element reaches: the repeated header, the running header

    def _reachable(self, element: pydyf.Dictionary, found: set[bytes]) -> set[bytes]:
        found.add(element.reference)
        for kid in element["K"]:
            child = self._element(kid)
            if child is not None:
                self._reachable(child, found)
        return found

    def _mark_unreachable_content_as_artifacts(self, document: pydyf.Dictionary) -> None:
        reachable = self._reachable(document, set())
        nums = self.parent_tree["Nums"]
        for i in range(0, len(nums), 2):
            page, refs = nums[i], nums[i + 1]
            if not isinstance(refs, list) or page >= len(self.page_streams):
                continue
            orphans = {mcid for mcid, ref in enumerate(refs) if ref not in reachable}
            if not orphans:
                continue
            for mcid in self._to_artifacts(self.page_streams[page], orphans):
                refs[mcid] = b"null"

    @staticmethod
    def _to_artifacts(stream: pydyf.Stream, mcids: set[int]) -> list[int]:
        """Turn ``/Tag <</MCID n>> BDC`` into ``/Artifact BMC`` in the page's content."""
        done = []
        items = stream.stream
        for i in range(1, len(items) - 1):
            item = items[i]
            if (
                isinstance(item, pydyf.Dictionary)
                and item.get("MCID") in mcids
                and items[i + 1] == b"BDC"
            ):
                done.append(item["MCID"])
                items[i - 1], items[i], items[i + 1] = b"/Artifact", b"", b"BMC"
        return done

    # Element identifiers

    def _add_id_tree(self, document: pydyf.Dictionary) -> None:
        """PDF 1.7 wants an IDTree once any element has an ID (table header cells do)."""
        ids: list[tuple[str, pydyf.String, bytes]] = []

        def collect(element: pydyf.Dictionary) -> None:
            if "ID" in element:
                ids.append((element["ID"].string, element["ID"], element.reference))
            for kid in element["K"]:
                child = self._element(kid)
                if child is not None:
                    collect(child)

        collect(document)
        if not ids:
            return
        names = pydyf.Array()
        for _key, string, reference in sorted(ids, key=lambda entry: entry[0]):
            names.extend((string, reference))
        tree = pydyf.Dictionary({"Names": names})
        self.pdf.add_object(tree)
        self.root["IDTree"] = tree.reference


def install() -> None:
    """Wrap WeasyPrint's tag builders (once)."""
    if weasyprint.pdf.add_tags is not _add_tags:
        weasyprint.pdf.tags._build_box_tree = _build_box_tree
        weasyprint.pdf.add_tags = _add_tags
