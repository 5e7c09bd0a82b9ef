"""Every build of the MAP, recorded in the plan; a final version is frozen.

The record is one plan section, ``map.versions``: a list of builds, oldest first, each
with its number, date, who built it (private: left out of every public view), draft or
final, the SHA-256 of the document's content and the formats written. Drafts share the
number of the version they lead up to; once a version is final, every later build gets
the next number, so a released final can always be told apart from anything after it.

The builder reads the plan in view mode; the caller (``workbook map``) records the build
at the end through a writable :class:`~workbook.plan.store.PlanStore`, so saving goes
through the store's usual checks, history and conflict handling.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from workbook.display.document import Document
from workbook.map.errors import FrozenVersionError, MapError
from workbook.plan.public import PublicPlan
from workbook.plan.records import now_utc
from workbook.plan.store import PlanStore

SECTION = "map.versions"
PRIVATE = ("who",)  # the name of whoever ran the build stays in edit mode
STATUSES = ("draft", "final")


@dataclass(frozen=True)
class Version:
    """One recorded build."""

    number: int
    date: str  # when it was recorded (UTC, ISO 8601)
    status: str  # "draft" or "final"
    sha256: str  # of the document's content (see content_hash)
    formats: tuple[str, ...] = ()
    who: str = ""

    @classmethod
    def from_dict(cls, item: dict) -> Version:
        return cls(
            number=int(item.get("number") or 0),
            date=str(item.get("date") or ""),
            status=str(item.get("status") or "draft"),
            sha256=str(item.get("sha256") or ""),
            formats=tuple(str(f) for f in item.get("formats") or ()),
            who=str(item.get("who") or ""),
        )

    def to_dict(self) -> dict:
        return {**asdict(self), "formats": list(self.formats)}


def recorded(plan: PublicPlan | PlanStore) -> list[Version]:
    """The builds recorded so far, oldest first (empty for a plan never built)."""
    if isinstance(plan, PlanStore):
        value = plan.get(SECTION).value
    else:
        value = plan.value(SECTION)
    return [Version.from_dict(v) for v in value or [] if isinstance(v, dict)]


def next_number(history: Iterable[Version]) -> int:
    """The number the next build gets: one more than the last final version."""
    finals = [v.number for v in history if v.status == "final"]
    return max(finals, default=0) + 1


def content_hash(doc: Document) -> str:
    """SHA-256 of the document's content: every field, as canonical JSON text."""
    text = json.dumps(asdict(doc), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(store: PlanStore, doc: Document, formats: Iterable[str], who: str = "") -> Version:
    """Add the build of ``doc`` to the plan; refuse a number already released as final."""
    current = store.get(SECTION)
    history = [Version.from_dict(v) for v in current.value or [] if isinstance(v, dict)]
    upcoming = next_number(history)
    if doc.version < upcoming:
        raise FrozenVersionError(doc.version, upcoming)
    if doc.version > upcoming:
        raise MapError(
            f"MAP version {doc.version} would skip numbers: the next version of this plan is "
            f"{upcoming}. Fix: build the document again from the plan"
        )
    version = Version(
        number=doc.version,
        date=now_utc(),
        status=doc.status,
        sha256=content_hash(doc),
        formats=tuple(formats),
        who=who,
    )
    store.save(
        SECTION,
        [v.to_dict() for v in history] + [version.to_dict()],
        base_version=current.version,
        author=who or None,
        private=PRIVATE,
    )
    return version
