"""A plan as the public may see it: what documents for the public are built from.

The MAP, briefs and published pages read the plan through :class:`PublicPlan`: every
value comes with its private parts removed (the parts a form marked private when it
saved, and any the caller declares private, such as the step registry's list), and
nothing can be written. A document builder that only holds a PublicPlan cannot leak a
contact detail by forgetting ``public=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from workbook.plan.privacy import strip_private
from workbook.plan.records import Change
from workbook.plan.store import PlanStore


class PublicPlan:
    """Read-only, private-free access to a plan's sections and its history of changes."""

    def __init__(
        self, store: PlanStore, declared_private: Callable[[str], Iterable[str]] | None = None
    ) -> None:
        self._store = store
        self._declared = declared_private or (lambda section: ())

    def sections(self) -> list[str]:
        return self._store.sections()

    def value(self, section: str, default: Any = None) -> Any:
        """The section's value without private parts (``default`` if never saved)."""
        record = self._store.get(section, public=True)
        if record.version == 0:
            return default
        return strip_private(record.value, list(self._declared(section)))

    def saved(self, section: str) -> tuple[str, str] | None:
        """When and by whom the section was last saved, or None."""
        record = self._store.get(section, public=True)
        return (record.saved_at, record.saved_by) if record.version else None

    def history(self, section: str | None = None) -> list[Change]:
        """Who changed what when (summaries name sections and counts, never values)."""
        return self._store.history(section)

    @property
    def path(self):
        return self._store.path
