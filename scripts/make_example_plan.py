"""Write data/examples/sample_plan.json: an example plan for the sample's Linden County.

It holds Steps 1 to 5 and 9 filled in by a fictional coalition, enough for every part
those steps write in the Mobility Action Plan: Step 1's review; Step 2's peers (the
workbook's suggestion, with reasons) and preliminary insights; four readiness responses
(with a weak and a contested condition) and the actions that close the gaps; a management
team, eight stakeholders across actor types and the launch; Step 5's notes on three
pillars, a paper dot vote (with a tie) and the first priorities it led to; Step 9's
documents and audiences, a release plan (one spokesperson agreed to be named, one did
not), the coalition's own additions to the word list and an approving sign-off; and part
of each review checklist.
Every person, organisation, email address and phone number is invented.

The records go through the same forms and views the notebooks use, so they pass the same
checks and their contact details are marked private. Step 2 reads the bundled synthetic
sample, never other data on the machine. Timestamps and record ids are fixed (each step
two weeks after the one before), so running the script again writes the same file.

    python scripts/make_example_plan.py            # writes data/examples/sample_plan.json
    python scripts/make_example_plan.py OUT.json   # somewhere else

Use it: ``workbook.plan.store.import_plan("data/examples/sample_plan.json", "plan.sqlite")``,
then ``workbook run --steps 1-5,9 --plan-path plan.sqlite`` or
``workbook map --plan-path plan.sqlite``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.data.catalog import load_catalog, load_framework  # noqa: E402
from workbook.data.sources import SAMPLE_DIR  # noqa: E402
from workbook.plan.store import PlanStore, import_plan  # noqa: E402
from workbook.session import AUTHOR_ENV, READ_ONLY_ENV, start  # noqa: E402
from workbook.steps import build_the_coalition as coalition  # noqa: E402
from workbook.steps import finalize_and_release as release  # noqa: E402
from workbook.steps import initial_understanding as understanding  # noqa: E402
from workbook.steps import local_government_readiness as readiness  # noqa: E402
from workbook.steps import review  # noqa: E402
from workbook.steps import use_the_metrics as metrics  # noqa: E402

TARGET = ROOT / "data" / "examples" / "sample_plan.json"
AUTHOR = "Ana Ruiz (example)"
STARTED = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
PLACE = "98031"  # Linden County, Calderra, in the synthetic sample
STEP_GAP = timedelta(weeks=2)  # each step's saves start two weeks after the last step's

# Step 2: what the team noted on first reading the metrics (tag, statement, metrics,
# pillars, notes).
INSIGHTS = (
    ("concern", "Homes that lower-income households can afford are scarce here, even by "
     "national standards.", ["share_affordable_80_ami", "share_affordable_available_50_ami"],
     ["neighborhoods"], "Check against the housing authority's waiting list in Step 5."),
    ("concern", "Few membership associations: people may have fewer places to meet across "
     "income lines.", ["count_membership_associations_per_10k"], [], ""),
    ("strength", "Most three- and four-year-olds attend preschool, and pupils' learning "
     "rate is above most counties.", ["share_in_preschool", "rate_learning"], ["education"],
     "Ask the school district what drove the preschool expansion."),
    ("question", "Is the violent crime rate as high as it looks? The value is only rated "
     "Marginal.", ["rate_crime_violent"], ["governance"],
     "Compare with the sheriff's own incident counts before drawing conclusions."),
)  # fmt: skip

CONDITIONS = (
    "leadership_commitment", "cross_sector_readiness", "organizational_capacity",
    "culture_for_change", "staff_buy_in", "racial_equity_understanding", "data_skills",
    "engagement_resources", "ongoing_learning",
)  # fmt: skip
# One row per respondent, ratings in the order above (None: not rated). Designed so that
# community-engagement resources and racial-equity understanding are weak, staff buy-in
# and culture are contested, and data skills has one rating missing.
RESPONSES = (
    ("Marisol Vega", "Deputy county executive", (4, 4, 3, 4, 4, 2, 3, 2, 3)),
    ("Tom Becker", "Housing and community development", (4, 3, 3, 2, 2, 2, 3, 1, 3)),
    ("Priya Natarajan", "Public health department", (3, 3, 2, 3, 1, 3, None, 2, 4)),
    ("R4", "Parks and recreation staff", (4, 3, 2, 2, 3, 1, 2, 1, 3)),
)
EVIDENCE = {
    ("Deputy county executive", "leadership_commitment"): "The county executive named the "
    "plan a priority in the budget address and gave it a standing slot in cabinet meetings.",
    ("Housing and community development", "engagement_resources"): "No line in the budget "
    "pays residents for their time; outreach depends on two staff who also run the "
    "voucher program.",
    ("Public health department", "staff_buy_in"): "Outside our office few people have heard "
    "of the plan; the last all-staff survey did not mention it.",
    ("Parks and recreation staff", "staff_buy_in"): "Parks crews asked to join the "
    "neighbourhood walks after the spring listening session.",
    ("Parks and recreation staff", "racial_equity_understanding"): "There has been no "
    "training on structural racism for frontline staff at all.",
    ("Public health department", "ongoing_learning"): "We run quarterly reviews of our "
    "programs and changed the clinic hours after the last one.",
}
ACTIONS = (
    ("engagement_resources", "Put a resident stipend line in the next budget request",
     ("Dana Okafor", "Budget office"), "2027-02-15", "under_way"),
    ("engagement_resources", "Share an outreach coordinator with the library system",
     ("Tom Becker", "Housing and community development"), "2027-03-31", "not_started"),
    ("racial_equity_understanding", "Two workshops on structural racism in housing and "
     "lending for department heads", ("Marisol Vega", "Office of the County Executive"),
     "2027-01-30", "not_started"),
    ("staff_buy_in", "Listening sessions in four departments about the plan",
     ("Priya Natarajan", "Public health department"), "2026-12-18", "under_way"),
)  # fmt: skip
TEAM = (
    ("lead", ("Ana Ruiz", "Office of the County Executive", "ana.ruiz@example.org",
              "+1 555 0101"), "", 16),
    ("data", ("Ben Li", "Linden County data office", "ben.li@example.org", "555-0102"),
     "", 8),
    ("community_engagement", ("Grace Mensah", "Northside Neighbors Alliance",
                              "grace@example.org", ""), "", 10),
    ("project_management", ("Sam Patel", "Office of the County Executive",
                            "sam.patel@example.org", "(555) 010-3000"), "", 20),
    ("other", ("Jo Kim", "Linden Public Library", "jo.kim@example.org", ""),
     "Hosts meetings and runs the resident story archive", 3),
)  # fmt: skip
STAKEHOLDERS = (
    # organisation, contact (name, role), email, phone, actor types, pillars, influence,
    # interest, champion, request, status, asked, answered
    ("Linden Community Foundation", ("Lena Ortiz", "Program officer"), "lena@example.org",
     "+1 555 0110", ["philanthropies"], ["work", "education"], 4, 4, True,
     "Fund the resident stipends for the first year and sit on the steering group.",
     "accepted", "2026-10-12", "2026-10-26"),
    ("Northside Tenants Union", ("Ana Souza", "Organizer"), "ana@example.org",
     "+1 555 0111", ["advocacy_groups", "community_members"], ["neighborhoods"], 2, 5,
     True, "Co-lead the community engagement working group.", "accepted", "2026-10-12",
     "2026-10-19"),
    ("Linden County Public Schools", ("Dr. Carl Hughes", "Deputy superintendent"),
     "c.hughes@example.org", "", ["government"], ["education"], 4, 3, None,
     "Share attendance and graduation data by school, and name a liaison.", "asked",
     "2026-11-02", ""),
    ("St. Brigid Health System", ("", "Community benefit office"), "", "",
     ["anchor_institutions"], ["health", "work"], 5, 2, None, "", "not_asked", "", ""),
    ("Eastside Family Center", ("Rosa Diaz", "Director"), "rosa@example.org", "",
     ["nonprofits_cbos"], ["neighborhoods", "health"], 2, 4, False,
     "Host two resident listening sessions.", "accepted", "2026-10-20", "2026-10-22"),
    ("Lakeshore University Data Lab", ("Prof. Amir Haddad", "Director"),
     "a.haddad@example.org", "+1 555 0115", ["research_organizations"],
     ["governance", "neighborhoods"], 3, 4, False,
     "Help analyse the local data in Step 5 and review the measurement plan.",
     "accepted", "2026-10-15", "2026-11-05"),
    ("Linden Chamber of Commerce", ("Greg Walsh", "President"), "greg@example.org",
     "+1 555 0116", ["private_sector"], ["work"], 4, 2, False,
     "Recruit three employers to the rewarding-work working group.", "declined",
     "2026-10-15", "2026-11-10"),
    ("Youth Voices Council", ("Kay Brown", "Youth coordinator"), "kay@example.org", "",
     ["community_members"], ["education", "governance"], 1, 5, None,
     "Name two young people to the steering group.", "asked", "2026-11-16", ""),
)  # fmt: skip
# Contacts who agreed to be named in public pages and the plan; the others are shown by
# their organisation only.
NAMED = ("Lena Ortiz", "Ana Souza", "Rosa Diaz")
LAUNCH = {
    "charter": "The Linden Mobility Coalition brings the county, residents and partners "
    "together to write and carry out a Mobility Action Plan. Members commit to come to "
    "the monthly meetings, share what they know, and bring the plan back to their own "
    "organisations.",
    "first_meeting": "2027-01-14",
    "cadence": "monthly",
    "decisions": "consent",
    "decision_notes": "A proposal passes when no member objects strongly; objections are "
    "heard and the proposal reworked. Residents hold at least a third of the seats.",
}
# Step 9: the documents, the release plan, the coalition's words and the sign-off.
FORMAT = {
    "documents": ["map", "brief", "fact_sheet"],
    "formats": ["html", "docx", "pdf"],
    "audience_map": "Partners, funders and county departments",
    "audience_brief": "The county board, the press and partner boards",
    "audience_fact_sheet": "Residents at events, in libraries and clinics",
    "languages": "Spanish and Vietnamese",
    "reading_grade": 8,
}
# audience, channel, event, date, spokesperson (name, organisation and role, agreed to be
# named), materials, status
RELEASES = (
    ("County board and department heads", "council", "Board work session on the plan",
     "2027-02-09", ("Helen Okoro", "Office of the County Executive, county executive",
                    True), ["map", "brief", "slides"], "ready"),
    ("Residents of Northside and Eastside", "launch_event",
     "Launch evening at the Eastside Family Center, with food and childcare", "2027-02-20",
     ("Dolores Whitfield", "Northside Tenants Union, member", False),
     ["fact_sheet", "translations"], "planned"),
    ("Young people", "community_meeting",
     "Youth Voices Council session for at-risk youth", "2027-03-04",
     ("", "Youth Voices Council, youth coordinator", False), ["fact_sheet", "social_posts"],
     "planned"),
    ("Local news media", "press", "Press briefing after the launch", "2027-02-21",
     ("Luis Ortega", "Office of the County Executive, communications director", True),
     ["brief", "press_release"], "planned"),
)  # fmt: skip
TERMS = (
    {"term": "underserved", "suggestion": "not yet served well by (name the service)",
     "kind": "deficit", "why": "Says who has not done the serving.", "keep": False},
    {"term": "disabled people", "suggestion": "", "kind": "people-first",
     "why": "The Linden disability council asked for identity-first wording.", "keep": True},
)  # fmt: skip
SIGNOFF = {
    "approver": "Linden Mobility Coalition steering group",
    "role": "Steering group, by consent",
    "date": "2027-01-21",
    "decision": "approve",
    "note": "Approved after the community preview at the Linden Public Library.",
}
CHECKLISTS = {
    1: {
        "dimensions": True,
        "pillars": True,
        "metric_uses": True,
        "equity": True,
        "principles": True,
        "actor_types": True,
        "map_sections": False,
    },
    2: {
        "how_built": True,
        "quality": True,
        "local_values": True,
        "comparisons": True,
        "insights": True,
        "gaps": False,
        "dictionary": False,
    },
    3: {"all_conditions": True, "evidence": True, "many_voices": True, "overall": True},
    4: {"management_team": True, "champions": True, "requests": True, "launch": False},
    5: {"reviewed_together": True, "priorities": True, "by_race": True},
    9: {
        "complete": False,
        "format": True,
        "release_plan": True,
        "messaging": True,
        "community_preview": True,
        "released": False,
    },
}


def save_checklist(store: PlanStore, framework, step: int) -> None:
    form = review.checklist(SimpleNamespace(step=framework.step(step), plan=store))
    for name, value in CHECKLISTS[step].items():
        form.set_value(name, value)
    assert form.save(), form.validate()


def fill_step2(path: Path) -> None:
    """Step 2 as its notebook does it: the review records the peers; insights go in its table."""
    before = {name: os.environ.get(name) for name in (AUTHOR_ENV, READ_ONLY_ENV)}
    os.environ[AUTHOR_ENV] = AUTHOR
    os.environ.pop(READ_ONLY_ENV, None)
    try:
        session = start(2, PLACE, str(SAMPLE_DIR), str(path), str(path.parent), show=False)
        step2 = metrics.MetricsReview(session)  # saves the suggested peers with reasons
        table = step2.insights()
        for tag, statement, variables, pillars, notes in INSIGHTS:
            table.add({"tag": tag, "statement": statement, "metrics": variables,
                       "pillars": pillars, "notes": notes})  # fmt: skip
        session.plan.close()
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def fill(store: PlanStore) -> None:
    framework = load_framework()
    save_checklist(store, framework, 1)
    fill_step2(store.path)
    save_checklist(store, framework, 2)
    responses = readiness.ResponsesTable(store, framework)
    for name, role, ratings in RESPONSES:
        values = {"respondent": name, "role": role}
        values.update({c: r for c, r in zip(CONDITIONS, ratings, strict=True) if r})
        for (who, condition), text in EVIDENCE.items():
            if who == role:
                values[f"evidence_{condition}"] = text
        responses.add(values)
    stats = readiness.condition_stats(responses.records(), readiness.conditions_of(framework))
    actions = readiness.actions_table(store, framework, list(stats.query("weak")["condition"]))
    for condition, action, (owner, unit), due, status in ACTIONS:
        actions.add({"condition": condition, "action": action, "due": due, "status": status,
                     "owner": {"name": owner, "organisation": unit}})  # fmt: skip
    save_checklist(store, framework, 3)
    team = coalition.team_table(store)
    for role, (name, organisation, email, phone), duties, hours in TEAM:
        person = {"name": name, "organisation": organisation, "email": email, "phone": phone}
        team.add({"role": role, "person": person, "responsibilities": duties, "hours": hours})
    register = coalition.stakeholder_table(store, framework)
    for row in STAKEHOLDERS:
        (organisation, (name, unit), email, phone, kinds, pillars, influence, interest,
         champion, request, status, asked, answered) = row  # fmt: skip
        register.add({
            "organisation": organisation, "actor_types": kinds, "pillars": pillars,
            "contact": {"name": name, "organisation": unit, "email": email, "phone": phone},
            "influence": influence, "interest": interest, "champion": champion,
            "request": request, "status": status, "date_asked": asked,
            "date_answered": answered, coalition.CONSENT_FIELD: name in NAMED,
        })  # fmt: skip
    launch = coalition.launch_form(store)
    for name, value in LAUNCH.items():
        launch.set_value(name, value)
    assert launch.save(), launch.validate()
    save_checklist(store, framework, 4)
    fill_step5(store, framework)
    save_checklist(store, framework, 5)
    fill_step9(store)
    save_checklist(store, framework, 9)


# Step 5: the coalition's first reading together, a paper dot vote and its decision. The
# priorities are the predictors of Step 2's concerns and questions, read from the plan.
STEP5_DAY = "2026-11-30"
STEP5_NOTES = {
    "neighborhoods": "Housing costs came up at every table: partners from the tenants union "
    "said the affordability numbers match what they hear. Several asked for waiting-list "
    "data from the housing authority.",
    "education": "People were glad to see preschool attendance high and asked which "
    "neighbourhoods still lack seats.",
    "governance": "The crime figures are rated Marginal; the group wants the sheriff's own "
    "counts before treating safety as a finding.",
}
STEP5_VOTERS, STEP5_DOTS = 18, 3


def step5_priorities(store: PlanStore) -> list[str]:
    """The predictors of Step 2's concerns, then its questions (at most three)."""
    catalog = load_catalog()
    insights = store.get("step2.insights").value or []
    chosen: list[str] = []
    for tag in ("concern", "question"):
        for record in insights:
            if record.get("tag") != tag:
                continue
            for variable in record.get("metrics") or []:
                predictor = catalog[variable].predictor if variable in catalog else ""
                if predictor and predictor not in chosen:
                    chosen.append(predictor)
    return chosen[:3]


def fill_step5(store: PlanStore, framework) -> None:
    """Step 5 through its functions: notes on three pillars, a dot vote, the decision."""
    for pillar, notes in STEP5_NOTES.items():
        understanding.save_pillar_notes(store, framework, pillar, notes, today=STEP5_DAY)
    chosen = step5_priorities(store)
    options = [q["name"] for p in framework.pillars for q in p["predictors"]]
    # The chosen lead; two others tie (the tie rule orders them); a few get a dot or two.
    points = dict(zip(chosen, (14, 11, 9), strict=False))
    others = [o for o in options if o not in chosen]
    points.update({others[0]: 5, others[1]: 5, others[2]: 3, others[3]: 2, others[4]: 1})
    vote = understanding.paper_vote(
        points, STEP5_VOTERS, STEP5_DOTS, stacking=False, options=options,
        recorded_on=STEP5_DAY,
    )  # fmt: skip
    understanding.receive_vote(store, vote)
    understanding.record_decision(store, framework, {
        "predictors": chosen,
        "rationale": "These had the most dots, and each matches a concern or question the "
        "team raised in Step 2. Housing affordability is worse than the national median on "
        "most of its metrics, and partners are ready to bring local data on the rest.",
        "decided_by": "Coalition meeting at the Linden Public Library, by consent",
        "decided_on": "2026-12-01",
    })  # fmt: skip


def fill_step9(store: PlanStore) -> None:
    """Step 9 through its forms: documents, release plan, the coalition's words, sign-off."""
    form = release.format_form(store)
    for name, value in FORMAT.items():
        form.set_value(name, value)
    assert form.save(), form.validate()
    table = release.release_table(store)
    for audience, channel, event, date, (name, role, named), materials, status in RELEASES:
        table.add({"audience": audience, "channel": channel, "event": event, "date": date,
                   "spokesperson": {"name": name, "organisation": role, "named": named},
                   "materials": materials, "status": status})  # fmt: skip
    words = release.terms_table(store)
    for record in TERMS:
        words.add(record)
    signoff = release.signoff_form(store)
    for name, value in SIGNOFF.items():
        signoff.set_value(name, value)
    assert signoff.save(), signoff.validate()


# Keys that hold another record's id: renamed with it, so the reference still holds.
REFERENCES = ("vote_id",)


def fixed(data: dict) -> dict:
    """The export with fixed timestamps, plan id and record ids (a stable file)."""
    ids: dict[str, str] = {}

    def rename(value):
        if isinstance(value, list):
            return [rename(v) for v in value]
        if isinstance(value, dict):
            out = {k: rename(v) for k, v in value.items()}
            for key in ("id", *REFERENCES):
                if isinstance(value.get(key), str):
                    out[key] = ids.setdefault(value[key], f"ex{len(ids) + 1:03d}")
            return out
        return value

    last: dict[str, str] = {}
    for n, entry in enumerate(data["history"]):
        step = int(entry["section"].split(".")[0].removeprefix("step"))
        when = STARTED + STEP_GAP * (step - 1) + timedelta(minutes=7 * n)
        entry["saved_at"] = when.isoformat(timespec="milliseconds")
        entry["value"] = rename(entry["value"])
        last[entry["section"]] = entry["saved_at"]
    for name, section in data["sections"].items():
        section["value"] = rename(section["value"])
        section["saved_at"] = last[name]
    data["meta"]["plan_id"] = "example-linden-county-98031"
    data["meta"]["created_at"] = STARTED.isoformat(timespec="milliseconds")
    return data


def main(target: Path = TARGET) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        with PlanStore.open(Path(folder) / "plan.sqlite", author=AUTHOR) as store:
            fill(store)
            data = fixed(store.export_data(public=False))
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False)
        target.write_text(text + "\n", encoding="utf-8")
        import_plan(target, Path(folder) / "check.sqlite")  # proves the file imports
    return target


if __name__ == "__main__":
    written = main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
    print(f"wrote {written}")
