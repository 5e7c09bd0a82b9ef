"""Assemble the Mobility Action Plan from what the coalition saved in its plan.

The builder walks the guide's five MAP sections in order (``framework.json``,
``map_sections``) and, for each, every step the guide says feeds it: the step's
registered contribution (:mod:`workbook.steps.registry`) writes its part; a step the
workbook does not have yet, or one with nothing saved, leaves a :class:`Gap` that names
it. Contributions only ever see a :class:`~workbook.plan.public.PublicPlan`, so no
contact detail or respondent name can reach the document.

The plan is opened in view mode and the session is unattended and read-only: building
writes nothing. Recording the build is the caller's job (:mod:`workbook.map.versions`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from workbook.data.catalog import load_framework
from workbook.display.document import Block, Document, Gap, Part, Section
from workbook.errors import ParameterError
from workbook.map import matter, versions
from workbook.map.errors import IncompleteMapError, MissingPart
from workbook.plan.public import PublicPlan
from workbook.plan.store import PlanStore
from workbook.session import READ_ONLY_ENV, Session, start
from workbook.steps import finalize_and_release, registry
from workbook.steps.use_the_metrics import PEERS_SECTION

NOT_IN_WORKBOOK = "the workbook does not have this step yet"
NOTHING_SAVED = "nothing is saved in the plan for it yet"


@contextmanager
def _view_mode() -> Iterator[None]:
    """Sessions made here behave as dashboards do: they offer nothing that writes."""
    before = os.environ.get(READ_ONLY_ENV)
    os.environ[READ_ONLY_ENV] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(READ_ONLY_ENV, None)
        else:
            os.environ[READ_ONLY_ENV] = before


def plan_file(plan_path: object) -> Path:
    """The plan file to build from; a ParameterError says what is wrong with the path."""
    if plan_path in (None, ""):
        raise ParameterError(
            "plan-path",
            "",
            "the MAP is built from the coalition's plan",
            "Give the plan file, e.g. --plan-path output/98031/plan.sqlite",
        )
    path = Path(os.fspath(plan_path))
    if not path.is_file():
        raise ParameterError(
            "plan-path",
            str(path),
            "there is no plan file there",
            "Check the path; a plan exported as .json must first be imported with "
            "workbook.plan.store.import_plan",
        )
    return path


class _Sessions:
    """One unattended, read-only session per step, made on first use."""

    def __init__(self, jurisdiction: object, data_dir: object, plan: Path) -> None:
        self.args = (jurisdiction, data_dir, str(plan), str(plan.parent))
        self.made: dict[int, Session] = {}

    def __call__(self, step: int) -> Session:
        if step not in self.made:
            self.made[step] = start(step, *self.args, show=False)
        return self.made[step]


def _place(plan: PublicPlan, jurisdiction: object) -> object:
    """The place asked for, else the one Step 2 saved its peers for (else the data's own)."""
    if jurisdiction not in (None, ""):
        return jurisdiction
    return (plan.value(PEERS_SECTION) or {}).get("jurisdiction") or None


def _step_part(section: dict, number: int, plan: PublicPlan, sessions: _Sessions) -> Part:
    title = load_framework().step(number)["title"]
    blocks: list[Block] = []
    reason = NOT_IN_WORKBOOK
    if number in registry.numbers():
        reason = NOTHING_SAVED
        contribute = registry.step(number).contribution(section["id"])
        if contribute is not None:
            blocks = list(contribute(plan, sessions(number)))
    if not blocks:
        what = f"not written yet: {reason}"
        blocks = [Gap(what, number, title)]
    return Part(f"Step {number}: {title}", tuple(blocks), step=number)


def build_document(
    plan_path: object,
    jurisdiction: object = None,
    data_dir: object = None,
    final: bool = False,
    author: str = "",
    *,
    today: str | None = None,
) -> Document:
    """The MAP of the plan at ``plan_path``, as a :class:`Document` (nothing is written).

    ``final=True`` refuses (:class:`IncompleteMapError`) while any part is still a gap
    or while Step 9's sign-off does not approve the final version.
    ``author`` is printed as "Prepared by" when given. ``today`` (ISO date) fixes the
    build date, for reproducible documents.
    """
    path = plan_file(plan_path)
    day = today or datetime.now(UTC).date().isoformat()
    status = "final" if final else "draft"
    framework = load_framework()
    with _view_mode(), PlanStore.open(path, read_only=True) as store:
        plan = PublicPlan(store, registry.private_paths)
        sessions = _Sessions(_place(plan, jurisdiction), data_dir, path)
        session = sessions(1)
        if session.jurisdiction is None:
            raise ParameterError(
                "jurisdiction",
                "",
                "the MAP is written for one county or city, and the plan does not say which",
                "Give --jurisdiction with a FIPS key (e.g. 06037) or a name",
            )
        history = versions.recorded(plan)
        number = versions.next_number(history)
        sections = []
        for spec in framework["map_sections"]:
            parts = [_step_part(spec, n, plan, sessions) for n in spec["steps"]]
            if spec["id"] == "how_we_got_here":
                parts.append(matter.versions_part(history, number, status, day))
            sections.append(Section(spec["id"], spec["number"], spec["title"], tuple(parts)))
        missing = [
            MissingPart(section.title, gap.what, gap.step, gap.step_title)
            for section in sections
            for gap in section.gaps
        ]
        if final:
            # A release needs every part written and the coalition's approval (Step 9).
            unsigned = finalize_and_release.signoff_problem(plan)
            if missing or unsigned:
                raise IncompleteMapError(missing, unsigned)
        front = matter.front(
            plan,
            session,
            number=number,
            status=status,
            day=day,
            author=author,
            empty_parts=len(missing),
        )
        back = matter.back(plan, session)
    place = session.jurisdiction
    return Document(
        title=matter.TITLE,
        subtitle=f"{place.label} ({place.key})",
        status=status,
        version=number,
        date=day,
        front=front,
        sections=tuple(sections),
        back=back,
        synthetic=session.synthetic,
        metadata={"jurisdiction": place.key, "data": session.data.label},
    )
