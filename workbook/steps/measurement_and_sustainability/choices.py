"""Step 8's plan sections and the choices its forms offer."""

from __future__ import annotations

from workbook.analysis import measures as ms
from workbook.forms import (
    Level,
)
from workbook.steps import registry

STEP = registry.step(8)
MEASURES_SECTION = STEP.section("measures")
COMMUNITY_SECTION = STEP.section("community")
REPORTING_SECTION = STEP.section("reporting")
SUSTAINABILITY_SECTION = STEP.section("sustainability")
RESOURCES_SECTION = STEP.section("resources")
LEARNING_SECTION = STEP.section("learning")
# Upstream sections, read through their contracts only.
APPROVAL_SECTION = "step7.approval"
STAKEHOLDERS_SECTION = "step4.stakeholders"
TEAM_SECTION = "step4.team"
LOCAL_DATA_SECTION = "step5.local_data"

DIRECTIONS = (
    ("Higher is better", "higher"),
    ("Lower is better", "lower"),
    ("Neither: watched, not targeted", "neither"),
)
RBA_CHOICES = tuple((label, key) for key, label in ms.RBA.items())
FREQUENCIES = (
    ("Monthly", "monthly"),
    ("Quarterly", "quarterly"),
    ("Once a year", "annual"),
    ("Every two years", "every_two_years"),
)
BLOCKS = (
    (
        "governance",
        "Collaborative governance",
        "Partners share decisions, and the structure outlasts any one leader.",
    ),
    ("capacity", "Capacity", "People, skills, data and time to keep doing the work."),
    ("funding", "Stable funding", "Money that lasts beyond one grant or one budget year."),
    (
        "adaptive",
        "Adaptive policy and program action",
        "Policies and programs change when the measures say they should.",
    ),
)
BLOCK_NAMES = {key: name for key, name, _ in BLOCKS}
BLOCK_LEVELS = (
    Level(1, "Not in place", "Nothing yet: the work depends on goodwill."),
    Level(2, "Emerging", "First steps taken, nothing yet committed."),
    Level(3, "In place, fragile", "Committed, but one departure or budget cut would undo it."),
    Level(4, "Secure", "Committed, shared by several partners, and planned for years ahead."),
)
RESOURCE_STATUSES = (
    ("Identified", "identified"),
    ("Requested", "requested"),
    ("Committed", "committed"),
    ("Received", "received"),
)
EVENT_STATUSES = (("Planned", "planned"), ("Done", "done"))
HEADER = (
    "Measure",
    "Element",
    "Category",
    "Unit",
    "Direction",
    "Baseline",
    "Target",
    "Owners",
    "Frequency",
    "Reported to",
    "Source",
)
