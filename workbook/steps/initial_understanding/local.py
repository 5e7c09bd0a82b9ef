"""Step 5's local data (placeholder: the real module comes with the local-data work).

The names are the ones the step calls; each view says local data is not set up yet.
"""

from __future__ import annotations

import ipywidgets as widgets

from workbook.display.document import Block
from workbook.plan.public import PublicPlan
from workbook.session import Session

NOT_YET = "<p>Local data (sources, imports, charts and findings) is not set up in this build.</p>"


class LocalData:
    """The local-data views of Step 5 (placeholder)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def inventory(self) -> widgets.HTML:
        return widgets.HTML(NOT_YET)

    def import_data(self) -> widgets.HTML:
        return widgets.HTML(NOT_YET)

    def datasets(self) -> widgets.HTML:
        return widgets.HTML(NOT_YET)

    def findings(self) -> widgets.HTML:
        return widgets.HTML(NOT_YET)


def map_local_findings(plan: PublicPlan, session: Session) -> list[Block]:
    """What the local data add to the MAP's findings (nothing in this placeholder)."""
    return []
