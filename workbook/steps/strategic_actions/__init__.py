"""Step 7, identify strategic actions: findings, vision, theory of change, logic model, approval.

Plan sections: ``step7.selection`` (which of Step 6's findings go forward, and why),
``step7.vision`` (drafts with comments, the adopted text and date, the vote that chose
it), ``step7.toc`` (the theory of change being drafted: outcomes by level, links with
rationale and assumptions, interventions on the links), ``step7.logic_model`` (the
systems-change logic model being drafted: inputs, activities and strategies, outputs,
outcomes tied to pillars, predictors and measures) and ``step7.approval`` (every version
submitted for review: a snapshot of the three drafts with its SHA-256, reviewers'
comments, and the approval that locks it).

Step 8 and the MAP read the latest approved version's snapshot, never the drafts. The
graph checks live in :mod:`workbook.analysis.theory_of_change`, the drawing in
:mod:`workbook.display.diagrams`. Modules of this package:

- :mod:`.records`: the sections as data (upstream choices, vision, versions, export);
- :mod:`.editors`: the record tables and panels the notebook edits with;
- :mod:`.views`: :class:`StrategicActions`, what the notebook shows;
- :mod:`.map_part`: the MAP's theory-of-change section.
"""

from workbook.steps.strategic_actions.map_part import map_theory_of_change
from workbook.steps.strategic_actions.records import (
    APPROVAL_SECTION,
    LOGIC_SECTION,
    SELECTION_SECTION,
    TOC_SECTION,
    VISION_SECTION,
    adopt,
    approve,
    comment,
    latest_approved,
    outcomes_from_toc,
    receive_vote,
    save_selection,
    submit,
)
from workbook.steps.strategic_actions.views import StrategicActions

__all__ = [
    "APPROVAL_SECTION",
    "LOGIC_SECTION",
    "SELECTION_SECTION",
    "TOC_SECTION",
    "VISION_SECTION",
    "StrategicActions",
    "adopt",
    "approve",
    "comment",
    "latest_approved",
    "map_theory_of_change",
    "outcomes_from_toc",
    "receive_vote",
    "save_selection",
    "submit",
]
