"""The REFI-QDA codebook (``.qdc``): the exchange file qualitative analysis tools share.

QualCoder, NVivo, ATLAS.ti and MAXQDA read and write it: an XML document in the namespace
``urn:QDA-XML:codebook:1.0`` with ``<CodeBook><Codes><Code guid name isCodable color>``,
a ``<Description>`` per code and sub-codes nested inside their parent. Reading refuses
document type declarations and entities (they can make a small file expand without end
or read local files), and anything that is not a codebook, with a message that says so.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any

from workbook.errors import WorkbookError

NAMESPACE = "urn:QDA-XML:codebook:1.0"
MAX_QDC_BYTES = 5 * 1024 * 1024
_NS = f"{{{NAMESPACE}}}"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID_SPACE = uuid.UUID("6b1f0f3e-5a8e-4a65-9d0b-3c1e2f6a7d40")  # stable guids for our ids


class CodebookFileError(WorkbookError, ValueError):
    """A file offered as a REFI-QDA codebook that is not one."""

    def __init__(self, file_name: str, problem: str, fix: str) -> None:
        self.file_name = file_name
        super().__init__(f"codebook '{file_name}': {problem}. Fix: {fix}")


def guid_for(code_id: str) -> str:
    """A stable guid for a code id (a tool may need one; ours are shorter)."""
    return code_id if _GUID.match(code_id) else str(uuid.uuid5(_ID_SPACE, code_id))


def read_qdc(content: bytes | str, file_name: str = "codebook.qdc") -> list[dict[str, Any]]:
    """The codes of a ``.qdc`` file: [{"id", "name", "description", "parent", "color"}].

    Ids are the file's guids, so exporting again keeps them; parents are ids too.
    """
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    fix = "export the codebook again from the qualitative analysis tool as REFI-QDA (.qdc)"
    if len(data) > MAX_QDC_BYTES:
        raise CodebookFileError(
            file_name, f"the file is over {MAX_QDC_BYTES // 1024 // 1024} MB", fix
        )
    head = data[:4096].lower()
    if b"<!doctype" in data.lower() or b"<!entity" in head:
        raise CodebookFileError(
            file_name, "the file declares a document type or entities, which are refused", fix
        )
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise CodebookFileError(file_name, f"this is not readable XML ({exc})", fix) from None
    if root.tag != f"{_NS}CodeBook":
        raise CodebookFileError(
            file_name,
            f"the document is '{root.tag.split('}')[-1]}', not a REFI-QDA CodeBook "
            f"(namespace {NAMESPACE})",
            fix,
        )
    codes_element = root.find(f"{_NS}Codes")
    codes: list[dict[str, Any]] = []
    if codes_element is None:
        return codes
    seen: set[str] = set()

    def walk(element: ET.Element, parent: str | None) -> None:
        for code in element.findall(f"{_NS}Code"):
            guid = (code.get("guid") or "").strip()
            name = (code.get("name") or "").strip()
            if not name:
                raise CodebookFileError(file_name, f"a code (guid '{guid}') has no name", fix)
            if not guid or guid in seen:
                guid = str(uuid.uuid5(_ID_SPACE, f"{parent}/{name}"))
            seen.add(guid)
            description = code.find(f"{_NS}Description")
            colour = code.get("color") or ""
            codes.append(
                {
                    "id": guid,
                    "name": name[:200],
                    "description": (description.text or "").strip()
                    if description is not None
                    else "",
                    "parent": parent,
                    "color": colour if _COLOUR.match(colour) else None,
                    "pillars": [],
                    "predictors": [],
                }
            )
            walk(code, guid)

    walk(codes_element, None)
    return codes


def write_qdc(
    codes: Iterable[Mapping[str, Any]], origin: str = "Mobility Action Plan workbook"
) -> str:
    """A ``.qdc`` document of ``codes`` (parents by id; sub-codes nested under them)."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{_NS}CodeBook", {"origin": origin})
    holder = ET.SubElement(root, f"{_NS}Codes")
    codes = [dict(c) for c in codes]
    ids = {str(c.get("id")) for c in codes}
    children: dict[str | None, list[dict]] = {}
    for code in codes:
        parent = code.get("parent") if code.get("parent") in ids else None
        children.setdefault(parent, []).append(code)

    def add(element: ET.Element, parent: str | None, trail: frozenset) -> None:
        for code in children.get(parent, []):
            code_id = str(code.get("id"))
            if code_id in trail:
                continue  # a loop of parents: write each code once
            attributes = {
                "guid": guid_for(code_id),
                "name": str(code.get("name") or ""),
                "isCodable": "true",
            }
            if code.get("color") and _COLOUR.match(str(code["color"])):
                attributes["color"] = str(code["color"])
            node = ET.SubElement(element, f"{_NS}Code", attributes)
            if code.get("description"):
                ET.SubElement(node, f"{_NS}Description").text = str(code["description"])
            add(node, code_id, trail | {code_id})

    add(holder, None, frozenset())
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
