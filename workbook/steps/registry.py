"""The steps the workbook implements, each declared once.

The guide's content for all ten steps (title, summary, review checklist, which MAP
sections a step feeds) lives in ``data/framework/framework.json``. What the software adds
is declared here, one :class:`StepEntry` per step that exists: the plan sections the step
owns and which of their fields are private, and the functions that write the step's part
of the MAP. Everything else is derived by rule, so nothing is written twice:

* the step module is ``workbook.steps.<framework id>``;
* the notebook is ``notebooks/<NN>_<framework id>.ipynb``;
* the review checklist is saved in the plan section ``step<N>.checklist``.

The runner, the dashboards, batch, the MAP document and the tests read this registry;
``tests/steps/test_registry.py`` fails when it, ``framework.json`` and ``notebooks/``
disagree. Adding a step: its entry below, its module, its notebook, its tests.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from workbook.data.catalog import load_framework
from workbook.data.sources import PROJECT_ROOT
from workbook.errors import ParameterError

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
TOTAL_STEPS = len(load_framework().steps)  # the guide's steps, implemented or not


@dataclass(frozen=True)
class PlanSection:
    """A part of the plan a step saves: its name in the store and its private fields.

    ``private`` lists field paths (``"person.email"``) that never leave edit mode: no
    dashboard, public export, MAP or published page shows them.
    """

    name: str
    title: str
    private: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepEntry:
    """What the software declares about one step; the guide's content comes from the framework.

    ``contributions`` maps a MAP section id (``"findings"``) to the name of a function
    in the step module that takes ``(plan, session)`` (a
    :class:`~workbook.plan.public.PublicPlan` and an unattended session for the place)
    and returns that part's blocks (:mod:`workbook.display.document`), or an empty list
    when the step has nothing yet (the MAP then marks the gap).
    """

    number: int
    sections: tuple[PlanSection, ...] = ()
    contributions: dict[str, str] = field(default_factory=dict)

    @property
    def guide(self) -> dict:
        """The framework's record for this step (id, title, summary, checklist)."""
        return load_framework().step(self.number)

    @property
    def name(self) -> str:
        """Short name, from the framework (``use_the_metrics``)."""
        return self.guide["id"]

    @property
    def title(self) -> str:
        return self.guide["title"]

    @property
    def checklist(self) -> list[dict]:
        return self.guide["checklist"]

    @property
    def checklist_section(self) -> str:
        return f"step{self.number}.checklist"

    @property
    def module_name(self) -> str:
        return f"workbook.steps.{self.name}"

    @property
    def notebook(self) -> str:
        """The notebook's file name in ``notebooks/``."""
        return f"{self.number:02d}_{self.name}.ipynb"

    def section(self, key: str) -> str:
        """The plan section name for ``key`` (``"peers"`` -> ``"step2.peers"``)."""
        name = f"step{self.number}.{key}"
        if not any(s.name == name for s in self.sections):
            raise KeyError(f"step {self.number} declares no plan section '{name}'")
        return name

    def plan_sections(self) -> tuple[PlanSection, ...]:
        """Every section the step owns, its review checklist included."""
        checklist = PlanSection(self.checklist_section, f"Step {self.number} review")
        return (*self.sections, checklist)

    def contribution(self, map_section: str) -> Callable | None:
        """The function that writes this step's part of ``map_section`` (imported on use)."""
        name = self.contributions.get(map_section)
        if name is None:
            return None
        return getattr(importlib.import_module(self.module_name), name)


STEPS: tuple[StepEntry, ...] = (
    StepEntry(1, contributions={"how_we_got_here": "map_how_we_got_here"}),
    StepEntry(
        2,
        sections=(
            PlanSection("step2.peers", "Peers chosen for comparison"),
            PlanSection("step2.insights", "Preliminary insights"),
        ),
        contributions={"how_we_got_here": "map_how_we_got_here", "findings": "map_findings"},
    ),
    StepEntry(
        3,
        sections=(
            PlanSection("step3.responses", "Readiness ratings", private=("respondent",)),
            PlanSection("step3.actions", "Actions that close readiness gaps"),
        ),
        contributions={"how_we_got_here": "map_how_we_got_here"},
    ),
    StepEntry(
        4,
        sections=(
            PlanSection("step4.team", "Management team", private=("person.email", "person.phone")),
            PlanSection(
                "step4.stakeholders",
                "Stakeholder register",
                # A partner's staff member is personal data: the name and role or unit
                # are public only in records whose contact_named is Yes.
                private=(
                    "contact.email",
                    "contact.phone",
                    "contact.name unless contact_named",
                    "contact.organisation unless contact_named",
                ),
            ),
            PlanSection("step4.launch", "Coalition launch"),
        ),
        contributions={"how_we_got_here": "map_how_we_got_here"},
    ),
    StepEntry(
        5,
        sections=(
            PlanSection("step5.review", "The coalition's reading of the metrics"),
            PlanSection("step5.votes", "Votes on first priorities"),
            PlanSection("step5.priorities", "First priority predictors"),
            PlanSection(
                "step5.sources",
                "Local data sources",
                private=("contact.name", "contact.email", "contact.phone"),
            ),
            PlanSection("step5.local_data", "Local data sets"),
            PlanSection("step5.findings", "What the local data show"),
        ),
        contributions={"how_we_got_here": "map_how_we_got_here", "findings": "map_findings"},
    ),
    StepEntry(
        6,
        sections=(
            PlanSection("step6.groups", "Working groups"),
            # Raw notes and transcripts never leave edit mode.
            PlanSection("step6.activities", "Engagement activities", private=("material.text",)),
            PlanSection("step6.codebook", "Codebook"),
            # Passages and memos as typed; their redacted copies ("shown") are public.
            PlanSection("step6.excerpts", "Coded excerpts", private=("quote.text", "memo.text")),
            PlanSection("step6.timeline", "Timeline of policies and events"),
            PlanSection("step6.relationships", "Relationships between organisations"),
            PlanSection("step6.narratives", "Prevailing narratives"),
            PlanSection("step6.identifiers", "Names to redact", private=("text",)),
            PlanSection("step6.findings", "Findings"),
            PlanSection("step6.sustain", "Plan to sustain engagement"),
        ),
        contributions={
            "how_we_got_here": "map_how_we_got_here",
            "findings": "map_findings",
            "sustainability": "map_sustainability",
        },
    ),
    StepEntry(
        7,
        sections=(
            PlanSection("step7.selection", "Findings that go forward"),
            PlanSection("step7.vision", "Community vision statement"),
            PlanSection("step7.toc", "Theory of change (draft)"),
            PlanSection("step7.logic_model", "Systems-change logic model (draft)"),
            # Reviewers' names stay in the plan; the history shows their comments only.
            PlanSection(
                "step7.approval", "Versions, review and approval", private=("versions.comments.by",)
            ),
        ),
        contributions={"theory_of_change": "map_theory_of_change"},
    ),
    StepEntry(
        8,
        sections=(
            PlanSection("step8.measures", "Measurement plan"),
            PlanSection("step8.community", "Taking the plan back to the community"),
            PlanSection("step8.reporting", "Reporting and accountability"),
            PlanSection("step8.sustainability", "Sustainability building blocks"),
            PlanSection("step8.resources", "Resources needed and secured"),
            PlanSection("step8.learning", "Continuous learning and evaluation"),
        ),
        contributions={
            "measurement_plan": "map_measurement_plan",
            "sustainability": "map_sustainability",
        },
    ),
    StepEntry(
        9,
        sections=(
            PlanSection("step9.format", "Documents, formats and audiences"),
            PlanSection("step9.release", "Release plan", private=("spokesperson.name",)),
            PlanSection("step9.terms", "The coalition's own word list"),
            PlanSection("step9.signoff", "Sign-off of the final version"),
        ),
        contributions={"how_we_got_here": "map_how_we_got_here"},
    ),
    StepEntry(
        10,
        sections=(
            PlanSection("step10.actuals", "Actual values of the measures"),
            PlanSection("step10.baselines", "Decisions on revised baselines"),
            PlanSection("step10.wins", "Early wins"),
            PlanSection("step10.calendar", "Election and budget calendar"),
            PlanSection("step10.engagement", "Engagement that happened"),
            PlanSection("step10.funding", "Funding", private=("contact",)),
        ),
        contributions={"sustainability": "map_sustainability"},
    ),
)


@cache
def _by_number() -> dict[int, StepEntry]:
    return {entry.number: entry for entry in STEPS}


def step(number: int) -> StepEntry:
    """The entry of step ``number``; a ParameterError says which steps exist."""
    try:
        return _by_number()[int(number)]
    except (KeyError, ValueError, TypeError):
        raise ParameterError(
            "step", number, not_available(number), f"Steps that exist now: {available_text()}"
        ) from None


def numbers() -> list[int]:
    return sorted(_by_number())


def available_text() -> str:
    """'1-4' or '1, 2, 5': the steps that exist, for messages."""
    have = numbers()
    if have == list(range(have[0], have[-1] + 1)):
        return f"{have[0]}-{have[-1]}" if len(have) > 1 else str(have[0])
    return ", ".join(str(n) for n in have)


def not_available(number: object) -> str:
    """Why ``number`` is not a step that can run, in words."""
    try:
        n = int(number)
    except (TypeError, ValueError):
        return "is not a step number"
    if not 1 <= n <= TOTAL_STEPS:
        return f"is not a step: the guide has {TOTAL_STEPS} steps, numbered 1 to {TOTAL_STEPS}"
    return "is one of the guide's steps the workbook does not have yet"


def notebooks(folder: Path = NOTEBOOKS_DIR) -> dict[int, Path]:
    """Step number -> notebook in ``folder``, for the registered steps whose notebook is there."""
    folder = Path(folder)
    found = {}
    for entry in STEPS:
        path = folder / entry.notebook
        if path.is_file():
            found[entry.number] = path
    return found


def section_owner(section: str) -> StepEntry | None:
    """The step that owns plan section ``section`` (None for sections no step declares)."""
    for entry in STEPS:
        if any(s.name == section for s in entry.plan_sections()):
            return entry
    return None


def private_paths(section: str) -> tuple[str, ...]:
    """The private field paths the registry declares for ``section``."""
    for entry in STEPS:
        for declared in entry.plan_sections():
            if declared.name == section:
                return declared.private
    return ()
