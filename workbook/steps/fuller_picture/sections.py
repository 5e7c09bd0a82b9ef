"""The plan sections of Step 6, the choices its forms offer, and the names redaction looks for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workbook.analysis import qualitative as qual
from workbook.data.catalog import Framework
from workbook.plan.store import PlanStore
from workbook.steps import registry

STEP = registry.step(6)
GROUPS_SECTION = STEP.section("groups")
ACTIVITIES_SECTION = STEP.section("activities")
CODEBOOK_SECTION = STEP.section("codebook")
EXCERPTS_SECTION = STEP.section("excerpts")
TIMELINE_SECTION = STEP.section("timeline")
RELATIONSHIPS_SECTION = STEP.section("relationships")
NARRATIVES_SECTION = STEP.section("narratives")
IDENTIFIERS_SECTION = STEP.section("identifiers")
FINDINGS_SECTION = STEP.section("findings")
SUSTAIN_SECTION = STEP.section("sustain")

# Upstream sections, read through the contracts' names and shapes only.
STAKEHOLDERS = "step4.stakeholders"
TEAM = "step4.team"
PRIORITIES = "step5.priorities"
LOCAL_DATA = "step5.local_data"
INSIGHTS = "step2.insights"

ACTIVITY_TYPES = (
    ("Interview", "interview"),
    ("Focus group", "focus_group"),
    ("Listening session", "listening_session"),
    ("Community meeting", "community_meeting"),
    ("Survey", "survey"),
    ("Data walk", "data_walk"),
    ("Story circle", "story_circle"),
    ("Other", "other"),
)
TYPE_LABELS = dict((v, k) for k, v in ACTIVITY_TYPES)
CONSENTS = (
    ("May be quoted, with attribution", qual.QUOTE_NAMED),
    ("May be quoted without names", qual.QUOTE_ANONYMOUS),
    ("No quotes: use for analysis only", qual.NO_QUOTES),
)
STRENGTHS = (
    ("Several sources agree", "several"),
    ("One source", "one"),
    ("Contested: sources disagree", "contested"),
)
STRENGTH_LABELS = dict((v, k) for k, v in STRENGTHS)
EVIDENCE_KINDS = ("metric", "local", "excerpt")
RELATIONS = (
    ("Funds", "funds"),
    ("Partners with", "partners_with"),
    ("Competes with", "competes_with"),
)
IDENTIFIER_KINDS = (
    ("A person's name", "name"),
    ("A place or group that identifies someone", "other"),
)
ANCHORS = (
    ("Where it was", qual.ANCHORED),
    ("Moved: found elsewhere", qual.MOVED),
    ("Lost: no longer in the text", qual.LOST),
)
NO_REGISTER = "Add stakeholders in Step 4 first (their record ids go here until then)."
WITHHELD = "(not quoted: the people of this activity did not agree to be quoted)"


def listed(value: Any) -> list[str]:
    return qual.listed(value)


def predictor_names(framework: Framework) -> list[str]:
    return [p["name"] for pillar in framework.pillars for p in pillar["predictors"]]


def priority_predictors(value: Any, framework: Framework) -> list[str]:
    """Step 5's priority predictors (contract: step5.priorities.predictors); [] if not set."""
    known = set(predictor_names(framework))
    chosen = value.get("predictors") if isinstance(value, Mapping) else None
    return [p for p in listed(chosen) if p in known]


# --- identifiers: what redaction looks for -------------------------------------------------


def identifier_names(store: PlanStore) -> list[str]:
    """Names to redact: Step 4's register and team contacts and the team's own list.

    Read from the full plan (the store can read private parts in every mode; only what
    is *shown* is redacted).
    """
    names: list[str] = []
    for record in store.get(STAKEHOLDERS).value or []:
        contact = record.get("contact") if isinstance(record, Mapping) else None
        if isinstance(contact, Mapping) and contact.get("name"):
            names.append(str(contact["name"]))
    for record in store.get(TEAM).value or []:
        person = record.get("person") if isinstance(record, Mapping) else None
        if isinstance(person, Mapping) and person.get("name"):
            names.append(str(person["name"]))
    listed_words = []
    for record in store.get(IDENTIFIERS_SECTION).value or []:
        if isinstance(record, Mapping) and record.get("text"):
            # A person's name is split below; other identifying words are kept whole.
            kept = names if record.get("kind") != "other" else listed_words
            kept.append(str(record["text"]))
    # A full name also identifies by its parts ("Maria Lopez" -> "Lopez").
    parts = [p for n in names for p in n.split() if len(p) >= 4 and p[0].isupper()]
    return list(dict.fromkeys([*names, *parts, *listed_words]))
