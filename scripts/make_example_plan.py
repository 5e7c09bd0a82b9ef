"""Write data/examples/sample_plan.json: an example plan for the sample's Linden County.

It holds Steps 1 to 5, 7 and 9 filled in by a fictional coalition, enough for every part
those steps write in the Mobility Action Plan: Step 1's review; Step 2's peers (the
workbook's suggestion, with reasons) and preliminary insights; four readiness responses
(with a weak and a contested condition) and the actions that close the gaps; a management
team, eight stakeholders across actor types and the launch; Step 5's notes on three
pillars, a paper dot vote (with a tie) and the first priorities it led to; Step 9's
documents and audiences, a release plan (one spokesperson agreed to be named, one did
not), the coalition's own additions to the word list and an approving sign-off; Step 7's
vision,
a theory of change of eight outcomes and three interventions and a logic model,
submitted and approved (the findings it selects come from Step 6, when the plan has
them); Step 8's measures for that logic model; Step 10's values for those measures, two
early wins, an election and budget calendar, engagement that happened and funding; and
part of each review checklist.
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

from workbook.analysis import measures  # noqa: E402
from workbook.data.catalog import load_catalog, load_framework  # noqa: E402
from workbook.data.sources import SAMPLE_DIR  # noqa: E402
from workbook.plan.store import PlanStore, import_plan  # noqa: E402
from workbook.session import AUTHOR_ENV, READ_ONLY_ENV, start  # noqa: E402
from workbook.steps import build_the_coalition as coalition  # noqa: E402
from workbook.steps import finalize_and_release as release  # noqa: E402
from workbook.steps import fuller_picture as picture  # noqa: E402
from workbook.steps import initial_understanding as understanding  # noqa: E402
from workbook.steps import local_government_readiness as readiness  # noqa: E402
from workbook.steps import measurement_and_sustainability as measurement  # noqa: E402
from workbook.steps import review  # noqa: E402
from workbook.steps import strategic_actions as strategy  # noqa: E402
from workbook.steps import sustain_momentum as sustain  # noqa: E402
from workbook.steps import use_the_metrics as metrics  # noqa: E402
from workbook.steps.initial_understanding import local as local_data  # noqa: E402

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
    5: {
        "reviewed_together": True,
        "priorities": True,
        "by_race": True,
        "local_sources": True,
        "collected": True,
        "analyzed": True,
    },
    6: {
        "working_groups": True,
        "stakeholder_input": True,
        "community_input": True,
        "systems_narratives": True,
        "summary": True,
        "follow_up": True,
        "map_findings": False,
        "engagement_plan": True,
    },
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
    fill_step5_local(store)
    save_checklist(store, framework, 5)
    fill_step6(store, framework)
    save_checklist(store, framework, 6)
    fill_step7(store)  # selects Step 6's findings
    fill_step8(store)  # measures for the logic model Step 7 approved
    fill_step9(store)
    save_checklist(store, framework, 9)
    fill_step10(store, framework)


# Step 6: two working groups, three activities with typed notes (invented people and
# words), a codebook, excerpts, findings with the community's follow-up, a sustain plan.
STEP6_NOTES = (
    (
        "focus_group",
        "2026-12-03",
        "Eastside library",
        0,
        11,
        "7 renters, 4 homeowners; 6 under 35",
        "Childcare during the session; Spanish interpretation",
        "25 dollar grocery card",
        "quote_anonymous",
        "English and Spanish",
        "We moved three times in two years because the rent kept going up. Every move meant a new "
        "school for my daughter. The bus to the jobs near the airport takes over an hour each way. "
        "Nobody at the housing office calls you back; you can reach Ms. Carla Brennan at "
        "555-013-2288 if you are lucky. If rent took less of the paycheck we could stay put.",
    ),
    (
        "listening_session",
        "2026-12-10",
        "Northgate community centre",
        1,
        23,
        "23 residents; about half said they had changed jobs in the last year",
        "Step-free room; large-print handouts",
        "Dinner provided",
        "quote_named",
        "English",
        "The new training programme is good but the classes end at 6 and the last bus leaves "
        "at 5:40. "
        "Employers here want a certificate nobody can afford. People say folks here do not want to "
        "work, but everyone I know has two jobs. Rent takes more than half of what we earn.",
    ),
    (
        "interview",
        "2026-12-15",
        "By phone",
        0,
        1,
        "One landlord who rents 40 units",
        "",
        "",
        "no_quotes",
        "English",
        "Repairs cost more each year and the waiting list for vouchers is long. I would take "
        "vouchers if the inspection did not take three months. Write to me at "
        "landlord@example.org.",
    ),
)
STEP6_CODES = (
    ("Housing costs", "Rent or a mortgage taking too much of income.", ["Housing affordability"]),
    ("Moving often", "Forced or frequent moves, and what they break.", ["Housing stability"]),
    ("Getting to work", "Transport between homes and jobs.", ["Employment opportunities"]),
    (
        "Training that fits",
        "Job training people can reach and finish.",
        ["Employment opportunities"],
    ),
    ("Unanswered calls", "Offices and services that do not respond.", []),
    ("Stories about us", "What others say about people here, and what people say back.", []),
)
STEP6_EXCERPTS = (  # activity, passage, codes, memo
    (
        0,
        "We moved three times in two years because the rent kept going up.",
        ["Housing costs", "Moving often"],
        "Rent rises drive moves, not choice.",
    ),
    (
        0,
        "Every move meant a new school for my daughter.",
        ["Moving often"],
        "Children carry the cost of moves.",
    ),
    (
        0,
        "The bus to the jobs near the airport takes over an hour each way.",
        ["Getting to work"],
        "",
    ),
    (
        0,
        "Nobody at the housing office calls you back; you can reach Ms. Carla Brennan at "
        "555-013-2288 if you are lucky.",
        ["Unanswered calls"],
        "Check with the housing authority.",
    ),
    (
        0,
        "If rent took less of the paycheck we could stay put.",
        ["Housing costs", "Moving often"],
        "",
    ),
    (
        1,
        "the classes end at 6 and the last bus leaves at 5:40",
        ["Training that fits", "Getting to work"],
        "Schedules do not line up.",
    ),
    (1, "Employers here want a certificate nobody can afford.", ["Training that fits"], ""),
    (
        1,
        "People say folks here do not want to work, but everyone I know has two jobs.",
        ["Stories about us"],
        "A narrative to counter.",
    ),
    (1, "Rent takes more than half of what we earn.", ["Housing costs"], ""),
    (
        2,
        "I would take vouchers if the inspection did not take three months.",
        ["Housing costs", "Unanswered calls"],
        "A landlord's view: delays, not unwillingness.",
    ),
)


def _step6_predictors(store: PlanStore, framework) -> list[str]:
    """Step 5's priorities when there are some; else the predictors Step 2's insights touch."""
    chosen = picture.priority_predictors(store.get(picture.PRIORITIES).value, framework)
    if chosen:
        return chosen
    catalog = load_catalog()
    named = [
        catalog[v].predictor
        for i in store.get(picture.INSIGHTS).value or []
        for v in i.get("metrics") or []
        if v in catalog
    ]
    return list(dict.fromkeys(named))[:3] or picture.predictor_names(framework)[:2]


def fill_step6(store: PlanStore, framework) -> None:
    """Step 6 through its tables, referring to Step 4 (and Step 5, if there) by their ids."""
    step = picture.FullerPicture(
        SimpleNamespace(framework=framework, plan=store, read_only=False, jurisdiction=None)
    )
    stakeholders = [
        r for r in store.get("step4.stakeholders").value or [] if r.get("status") == "accepted"
    ]
    ids = [r["id"] for r in stakeholders]
    predictors = _step6_predictors(store, framework)
    group_ids = []
    focus = (
        ("Housing and neighbourhoods", ["neighborhoods"], "neighborhoods"),
        ("Jobs and training", ["work", "education"], "work"),
    )
    pillar_of = {x["name"]: p["id"] for p in framework.pillars for x in p["predictors"]}
    for n, (name, pillars, home) in enumerate(focus):
        members = ids[n::2] or ids
        own = [p for p in predictors if pillar_of.get(p) == home] or [
            next(x["name"] for p in framework.pillars if p["id"] == home for x in p["predictors"])
        ]
        group_ids.append(
            step.groups().add(
                {
                    "name": name,
                    "pillars": pillars,
                    "members": members,
                    "lead": members[0] if members else None,
                    "rhythm": "Every second Tuesday",
                    "predictors": own,
                }
            )
        )
    step.reload()
    sources = []
    for (
        kind,
        date,
        place,
        group,
        reached,
        who,
        supports,
        pay,
        consent,
        language,
        text,
    ) in STEP6_NOTES:
        sources.append(
            step.activities().add(
                {
                    "type": kind,
                    "date": date,
                    "place": place,
                    "group_id": group_ids[group],
                    "reached": reached,
                    "demographics": who,
                    "supports": supports,
                    "compensation": pay,
                    "consent": consent,
                    "language": language,
                    "material": {"text": text},
                }
            )
        )
    step.identifiers().add({"text": "Carla Brennan", "kind": "name"})
    codes = {}
    for name, description, linked in STEP6_CODES:
        known = [p for p in linked if p in picture.predictor_names(framework)]
        codes[name] = step.codebook().add(
            {"name": name, "description": description, "predictors": known}
        )
    step.reload()
    excerpts = [
        step.add_excerpt(sources[n], quote, [codes[c] for c in names], memo)
        for n, quote, names, memo in STEP6_EXCERPTS
    ]
    insights = store.get(picture.INSIGHTS).value or []
    metrics_named = [v for i in insights for v in i.get("metrics") or []]
    local = [
        f"{d['id']}/{m['id']}"
        for d in store.get(picture.LOCAL_DATA).value or []
        for m in d.get("measures") or []
    ]
    findings = (
        (
            "Rising rents push families to move, and each move costs children a school.",
            [("metric", v) for v in metrics_named[:2]]
            + [("local", r) for r in local[:1]]
            + [("excerpt", excerpts[0]), ("excerpt", excerpts[1]), ("excerpt", excerpts[8])],
            "several",
            ["renters", "families with children"],
            ["Housing affordability", "Housing stability"],
            {"response": "agree", "people": 31, "comments": "Add the cost of moving itself."},
        ),
        (
            "Training and buses run on schedules that do not fit working people's days.",
            [("excerpt", excerpts[5]), ("excerpt", excerpts[2])],
            "one",
            ["workers without a car"],
            ["Employment opportunities"],
            {"response": "partly", "people": 18, "comments": "The new evening route helps some."},
        ),
        (
            "Landlords and tenants both describe the voucher process as too slow.",
            [("excerpt", excerpts[9]), ("excerpt", excerpts[3])],
            "contested",
            ["voucher holders"],
            ["Housing affordability"],
            {
                "response": "disagree",
                "people": 6,
                "comments": "Some landlords still refuse vouchers.",
            },
        ),
    )
    known = set(picture.predictor_names(framework))
    for statement, evidence, strength, groups, linked, follow in findings:
        finding = step.findings().add(
            {
                "statement": statement,
                "strength": strength,
                "groups": groups,
                "evidence": [{"kind": k, "ref": r} for k, r in evidence],
                "predictors": [p for p in linked if p in known],
                "follow_up": follow,
            }
        )
        if strength == "contested":
            step.revise(
                finding,
                "Tenants, and some landlords, find the voucher process too "
                "slow; other landlords refuse vouchers.",
                "Community members said refusals matter as much as delays.",
                "2027-01-20",
            )
    for record in (
        {
            "date": "1968-04-11",
            "what": "Fair Housing Act",
            "who": "Congress",
            "effect": "Made redlining illegal; its maps still match today's gaps.",
            "source": "Federal law",
        },
        {
            "date": "1994-06-01",
            "what": "Route 9 bus line cut",
            "who": "Transit authority",
            "effect": "Eastside lost its direct link to the airport jobs.",
            "source": "Board minutes",
        },
        {
            "date": "2019-09-01",
            "what": "County rental assistance fund",
            "who": "County",
            "effect": "Helped 300 households a year; the waiting list doubled.",
            "source": "County budget",
        },
    ):
        step.timeline().add(record)
    orgs = [str(r.get("organisation")) for r in stakeholders] or ["County", "Transit authority"]
    for a, kind, b in (
        (0, "funds", 1),
        (1, "partners_with", 2),
        (2, "competes_with", 3),
        (0, "partners_with", 3),
    ):
        step.relationships().add(
            {
                "from_org": orgs[a % len(orgs)],
                "kind": kind,
                "to_org": orgs[b % len(orgs)] if len(orgs) > 1 else "Residents",
            }
        )
    step.narratives().add(
        {
            "narrative": "People here do not want to work.",
            "held_by": "Some employers and officials",
            "evidence": "Repeated in two council meetings.",
            "counter": "Most residents we heard hold two jobs; schedules and costs are the "
            "barrier.",
        }
    )
    for activity, rhythm, owner, budget, start_on in (
        (
            "Listening session in each neighbourhood",
            "Every quarter",
            "Community engagement lead",
            6000,
            "2027-03-01",
        ),
        (
            "Data walk with residents on the yearly numbers",
            "Every year",
            "Data lead",
            2500,
            "2027-09-01",
        ),
    ):
        step.sustain().add(
            {
                "activity": activity,
                "rhythm": rhythm,
                "owner": owner,
                "budget": budget,
                "start": start_on,
            }
        )


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


# Step 8: the coalition's answers around the measurement plan.
STEP8_REPORTING = {
    "cadence": "quarterly",
    "first_report": "2027-04-15",
    "scorecard": "A public scorecard on the county website shows every headline measure, "
    "its target and whether it is on track, updated each quarter.",
    "scorecard_where": "The county's open data portal and the library's notice boards",
    "chain": "Each measure's owner reports to the data lead; the data lead reports to the "
    "steering group each quarter; the steering group reports to the County Board twice "
    "a year and to residents at an annual community meeting.",
    "off_track": "A measure off track two quarters running goes on the steering group's "
    "next agenda; its owner brings a short note on why and what could change, and the "
    "working group decides on a fix within a month.",
}
STEP8_BLOCKS = {
    # building block: rating (1-4), evidence, risks, actions, responsible
    "governance": (3, "The steering group meets monthly and decides by consent; residents "
                   "hold four of twelve seats.", "The group leans on the County Executive's "
                   "office to convene.", "Rotate the chair to a community partner in 2028.",
                   "Steering group"),
    "capacity": (2, "One data analyst part-time; the library hosts meetings.",
                 "The analyst post is funded for one year only.",
                 "Train two partners' staff to update the scorecard.",
                 "Linden County data office"),
    "funding": (2, "The foundation funds resident stipends for the first year.",
                "No money yet for the second year of outreach.",
                "Apply to two state programmes; ask the County Board for a budget line.",
                "Linden Community Foundation"),
    "adaptive": (3, "The Board agreed to review the plan's measures twice a year.",
                 "Quarterly data may lag behind programme decisions.",
                 "Tie each programme's yearly review to the scorecard.",
                 "Office of the County Executive"),
}  # fmt: skip
STEP8_RESOURCES = (
    ("Data analyst (half time, two years)", "capacity", 90000, 45000, "County budget",
     "committed", "2027-01-15"),
    ("Resident stipends and childcare", "governance", 40000, 40000,
     "Linden Community Foundation", "received", "2026-12-01"),
    ("Outreach in three languages", "funding", 60000, 15000, "State community grant",
     "requested", "2027-05-01"),
)  # fmt: skip
STEP8_COMMUNITY = (
    ("Open house at Linden Central Library", "2027-02-06", "Linden Central Library",
     "Residents of all neighbourhoods", "planned"),
    ("Northside block party table", "2027-03-13", "Northside Park", "Northside tenants",
     "planned"),
)  # fmt: skip
STEP8_LEARNING = (
    ("Are the households we reach the ones facing the highest rents?", "Compare outreach "
     "records with the tenants union's survey each quarter.", "2027-07-01", True,
     "Northside Tenants Union"),
    ("Which services do residents use after a visit?", "Follow-up calls to a sample of "
     "households, six months after the visit.", "2027-10-01", False, ""),
)  # fmt: skip
STEP8_CHECKLIST = {"indicators": True, "baselines_targets": True, "community": False,
                   "reporting": True, "sustainability": True, "learning": True,
                   "map_sections": False}  # fmt: skip


def fill_step8(store: PlanStore) -> None:
    """Step 8: measures proposed from the approved logic model (when Step 7 approved one),
    baselines from the sample, targets and owners; then the sections around the plan."""
    owners = measurement.owner_choices(store)
    ids = [i for _, i in owners]
    before = {name: os.environ.get(name) for name in (AUTHOR_ENV, READ_ONLY_ENV)}
    os.environ[AUTHOR_ENV] = AUTHOR
    os.environ.pop(READ_ONLY_ENV, None)
    try:
        session = start(8, PLACE, str(SAMPLE_DIR), str(store.path), str(store.path.parent),
                        show=False)  # fmt: skip
        model = measurement.logic_model(store)
        table = measurement.measures_table(store, measures.elements(model), owners, session.catalog)
        measurement.add_proposals(table, session, collect_by="2027-06-30")
        session.plan.close()
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    headlines = 0
    for n, record in enumerate(table.records()):
        change: dict = {"owners": [ids[n % len(ids)]] if ids else [],
                        "reported_to": "Steering group",
                        "frequency": "annual" if record.get("metric") else "quarterly"}  # fmt: skip
        base = record.get("baseline") or {}
        if isinstance(base.get("value"), int | float) and record.get("direction") in (
            "higher",
            "lower",
        ):
            step = 0.1 * abs(base["value"]) * (1 if record["direction"] == "higher" else -1)
            change["target"] = {"value": round(base["value"] + step, 4),
                                "year": max(int(base.get("year") or 2026) + 5, 2030)}  # fmt: skip
            if headlines < 3:
                change["headline"] = True
                headlines += 1
        table.update(record["id"], change)
    reporting = measurement.reporting_form(store)
    for name, value in STEP8_REPORTING.items():
        reporting.set_value(name, value)
    assert reporting.save(), reporting.validate()
    blocks = measurement.sustainability_form(store)
    for key, values in STEP8_BLOCKS.items():
        for part, value in zip(("rating", "evidence", "risks", "actions", "actors"), values,
                               strict=True):  # fmt: skip
            blocks.set_value(f"{key}_{part}", value)
    assert blocks.save(), blocks.validate()
    resources = measurement.resources_table(store)
    for item, block, needed, secured, source, status, date in STEP8_RESOURCES:
        resources.add({"item": item, "block": block, "needed": needed, "secured": secured,
                       "source": source, "status": status, "date": date})  # fmt: skip
    community = measurement.community_table(store, owners)
    for n, (event, date, place, audience, status) in enumerate(STEP8_COMMUNITY):
        community.add({"event": event, "date": date, "place": place, "audience": audience,
                       "status": status, "owners": ids[n:n + 1]})  # fmt: skip
    learning = measurement.learning_table(store, owners)
    for question, method, when, sharing, partner in STEP8_LEARNING:
        learning.add({"question": question, "method": method, "review_date": when,
                      "data_sharing": sharing, "agreement_with": partner})  # fmt: skip
    form = review.checklist(SimpleNamespace(step=load_framework().step(8), plan=store))
    for name, value in STEP8_CHECKLIST.items():
        form.set_value(name, value)
    assert form.save(), form.validate()


# Step 5, local data: the sources the coalition found (name, holder, geography, access,
# contact as name, unit, email, phone: the name, email and phone stay private).
LOCAL_SOURCES = (
    ("Eviction filings", "Linden County Circuit Court", "tract", "have", "annual",
     "Filings, not completed evictions; addresses geocoded to census tracts by the court.",
     ("Dana Whitfield", "Court records office", "d.whitfield@linden-courts.example",
      "555-0147")),
    ("School mobility records", "Linden Unified School District", "tract", "have", "annual",
     "Counts under 10 students are suppressed by the district.",
     ("Marco Bellini", "Research and assessment", "", "")),
    ("Housing authority waiting list", "Linden Housing Authority", "zip", "requested",
     "every_few_years", "Personal records: only counts by ZIP code may be shared.",
     ("", "Planning unit", "", "")),
)  # fmt: skip
LOCAL_MEASURES = {
    "Eviction filings per 100 renter households": {
        "unit": "rate", "direction": "lower", "quality": "Strong",
        "predictor": "Housing stability", "notes": "Filings, not completed evictions."},
    "Students who changed schools mid-year (%)": {
        "name": "Students who changed schools mid-year", "unit": "share",
        "direction": "lower", "quality": "Marginal", "predictor": "Housing stability",
        "notes": "Counts under 10 are suppressed by the district."},
}  # fmt: skip
LOCAL_FINDING = (
    "Eviction filings and mid-year school moves are both highest in the same four tracts "
    "on the county's east side, and higher for Black families than for the county as a whole."
)


def local_data_csv() -> bytes:
    """A small tract file for the sample's Linden County: made here, the same every time."""
    import random

    rng = random.Random(98031)
    lines = ["GEOID,year,measure,group,value,moe"]
    for tract in range(1, 13):
        key = f"98031{tract * 100:06d}"
        east = tract > 8  # four tracts where both measures run high
        for year in (2023, 2024):
            for group, shift in (("All", 1.0), ("Black", 1.4)):
                for measure, base in zip(LOCAL_MEASURES, (4.0, 6.0), strict=True):
                    value = base * shift * (2.2 if east else 1.0) * rng.uniform(0.8, 1.2)
                    cell = f"{value:.1f}"
                    if group == "Black" and tract in (3, 7) and measure.startswith("Students"):
                        cell = "<10"  # suppressed by the district
                    lines.append(f"{key},{year},{measure},{group},{cell},{value / 5:.1f}")
    return ("\n".join(lines) + "\n").encode()


def fill_step5_local(store: PlanStore) -> None:
    """Step 5's local data: the sources inventory, one imported data set, one finding."""
    catalog = load_catalog()
    sources = local_data.sources_table(store, catalog)
    for name, holder, geography, access, frequency, privacy, contact in LOCAL_SOURCES:
        person, unit, email, phone = contact
        sources.add({"name": name, "holder": holder, "geography": geography,
                     "access": access, "frequency": frequency, "privacy_notes": privacy,
                     "predictors": ["Housing stability"],
                     "contact": {"name": person, "organisation": unit, "email": email,
                                 "phone": phone}})  # fmt: skip
    court = sources.records()[0]["id"]
    result = local_data.import_dataset(
        store, local_data_csv(), name="Evictions and school moves by tract", geography="tract",
        measures=LOCAL_MEASURES, source_id=court, today="2026-11-30",
        file_name="linden_tracts_evictions_school_moves.csv",
        percent={"Eviction filings per 100 renter households": False,
                 "Students who changed schools mid-year (%)": True},
    )  # fmt: skip
    assert result.ok, result.report.lines()
    record = result.record
    findings = local_data.findings_table(store, catalog)
    measures = [f"{record['id']}/{m['id']}" for m in record["measures"]]
    findings.add(
        {"statement": LOCAL_FINDING, "predictors": ["Housing stability"], "measures": measures}
    )


# Step 7: the vision, a theory of change of eight outcomes and three interventions, the
# logic model, submitted and approved. Outcomes: (key, name, level, metrics).
VISION_DRAFTS = (
    ("Linden County is a place where every family can afford a stable home and belongs "
     "to a community that knows and backs its neighbours.",
     ["Clear and warm.", "Say something about work too?"]),
    ("In Linden County, families of every income have a home they can keep, and places "
     "to meet, organise and shape the decisions that affect them.",
     ["Names power as well as housing.", "Chosen by most at the January meeting."]),
)  # fmt: skip
TOC_OUTCOMES = (
    ("afford", "Lower-income families can afford a stable home", "long",
     ["share_affordable_80_ami", "share_affordable_available_50_ami"]),
    ("belong", "Residents across incomes share places to meet and organise", "long",
     ["count_membership_associations_per_10k", "share_economic_connectedness"]),
    ("stay", "Fewer households are forced to move by rent rises or evictions", "medium", []),
    ("supply", "More homes are affordable at half the area median income", "medium", []),
    ("counsel", "Tenants facing eviction get legal help in time", "short", []),
    ("zoning", "Land and zoning rules allow more low-cost homes", "short", []),
    ("spaces", "Neighbourhood groups have spaces and small grants", "short", []),
    ("data", "Partners share data on housing needs", "precondition", []),
)  # fmt: skip
TOC_LINKS = (  # from, to, rationale, assumptions
    ("data", "counsel", "shared court and rent data show who needs help first",
     "The courts agree to share filings."),
    ("data", "zoning", "the numbers make the case for change to the council", ""),
    ("data", "spaces", "the map of needs shows where spaces are missing", ""),
    ("counsel", "stay", "tenants with a lawyer are evicted far less often",
     "Enough lawyers can be hired and paid."),
    ("zoning", "supply", "builders can add homes where they were barred",
     "Builders respond to the new rules; land prices do not rise to absorb the gain."),
    ("stay", "afford", "families who stay keep their rent and their networks", ""),
    ("supply", "afford", "more low-cost homes ease rents at the bottom of the market", ""),
    ("spaces", "belong", "groups that can meet grow and bring new people in",
     "Residents have time to take part; meetings happen where and when they can come."),
)  # fmt: skip
TOC_INTERVENTIONS = (
    ("Right to counsel for tenants", [("counsel", "stay")]),
    ("Zoning reform for accessory and multi-family homes", [("zoning", "supply")]),
    ("Community spaces and micro-grants fund", [("spaces", "belong")]),
)
LOGIC = {
    "inputs": ("County housing trust fund", "Staff of the county's housing office",
               "Partners' data on evictions and rents"),
    "activities": (
        ("Fund and run a right-to-counsel programme", "Renters facing eviction, most of "
         "them Black and Hispanic households", ["policies", "resource_flows"]),
        ("Propose and pass zoning amendments", "Lower-income households looking for homes",
         ["policies", "power_dynamics"]),
        ("Open community spaces and give micro-grants", "Residents of the three poorest "
         "neighbourhoods", ["relationships", "mental_models"]),
    ),
    "outputs": ("Tenants represented in eviction cases", "Zoning amendments adopted",
                "Grants given to neighbourhood groups"),
}  # fmt: skip
LOGIC_TAGS = {  # outcome key: pillars, predictors
    "afford": (["neighborhoods"], ["Housing affordability"]),
    "belong": (["neighborhoods"], ["Social capital"]),
    "stay": (["neighborhoods"], ["Housing stability"]),
    "supply": (["neighborhoods"], ["Housing affordability"]),
}
CHECKLISTS[7] = {"final_findings": True, "vision": True, "theory_of_change": True,
                 "logic_model": True, "systems_focus": True, "approval": True,
                 "map_section": False}  # fmt: skip


def fill_step7(store: PlanStore) -> None:
    """Step 7 through its tables and functions, reading what earlier steps saved (findings,
    partners, local measures) from the plan itself; approved, so the MAP shows it."""
    from workbook.data.catalog import load_catalog
    from workbook.steps.strategic_actions import editors
    from workbook.steps.strategic_actions import records as step7

    catalog, framework = load_catalog(), load_framework()
    found = step7.findings(store)
    if found:  # Step 6's findings, when the plan has them
        step7.save_selection(store, {f["id"]: "The community ranked it among its top "
                                     "concerns." for f in found[:3]})  # fmt: skip
    drafts = editors.drafts_table(store)
    made = [drafts.add({"text": text, "comments": notes}) for text, notes in VISION_DRAFTS]
    strategy.adopt(store, made[-1], "2027-01-04")
    outcomes, links, interventions = editors.toc_tables(store, catalog, None, lambda: None)
    local = [value for _, value in step7.local_measures(store)][:1]
    ids = {}
    for key, name, level, variables in TOC_OUTCOMES:
        extra = {"local_measures": local} if key == "afford" and local else {}
        ids[key] = outcomes.add({"name": name, "level": level, "metrics": variables, **extra})
    link_ids = {}
    for a, b, rationale, assumptions in TOC_LINKS:
        link_ids[(a, b)] = links.add({"from": ids[a], "to": ids[b], "rationale": rationale,
                                      "assumptions": assumptions})  # fmt: skip
    for name, moved in TOC_INTERVENTIONS:
        interventions.add({"name": name, "links": [link_ids[m] for m in moved]})
    tables = editors.logic_tables(store, catalog, framework, None)
    partners = [value for label, value in step7.partners(store) if "not a partner" not in label]
    for n, name in enumerate(LOGIC["inputs"]):
        tables["inputs"].add({"name": name, "stakeholders": partners[n : n + 2] or None})
    for n, (name, population, conditions) in enumerate(LOGIC["activities"]):
        tables["activities"].add({"name": name, "population": population,
                                  "stakeholders": partners[n + 1 : n + 2] or None,
                                  "conditions": conditions})  # fmt: skip
    for name in LOGIC["outputs"]:
        tables["outputs"].add({"name": name})
    strategy.outcomes_from_toc(store)
    tables["outcomes"].reload()
    for key, (pillars, predictors) in LOGIC_TAGS.items():
        tables["outcomes"].update(ids[key], {"pillars": pillars, "predictors": predictors})
    version = strategy.submit(store, "2027-01-05")
    strategy.comment(store, version["number"], "Name who the zoning change is for.",
                     by="Reviewer (example)", date="2027-01-07")  # fmt: skip
    strategy.approve(store, version["number"], "Coalition steering committee", "2027-01-12")
    save_checklist(store, framework, 7)


def fill_step10(store: PlanStore, framework) -> None:
    """Step 10 from what the plan holds: values for Step 8's measures (none without them),
    two wins, a calendar, engagement that happened and funding (a private contact)."""
    measures = sustain.measures_of(store)
    if measures:
        actuals = sustain.actuals_table(store, measures)
        for m in measures:
            base, target = m.get("baseline") or {}, m.get("target") or {}
            start = sustain.sc.number(base.get("value"))
            aim = sustain.sc.number(target.get("value"))
            year = int(base["year"]) if str(base.get("year") or "").isdigit() else 2025
            if start is None:
                continue
            step = (aim - start) / 4 if aim is not None else 0.0
            for n in (1, 2):
                actuals.add({"measure_id": m["id"], "date": f"{year + n}-12-31",
                             "value": round(start + step * n, 4), "source": "Example values",
                             "note": ""})  # fmt: skip
    wins = sustain.wins_table(store, measures)
    first = measures[0]["id"] if measures else None
    for what, date, approach, thanks in (
        ("The library's job desk opened on Saturdays", "2027-02-06", "Job help where people "
         "already go", "Linden Public Library"),
        ("Bus route 7 runs every 15 minutes at rush hour", "2027-05-03", "Reliable transit "
         "to jobs", "Linden Transit Authority"),
    ):  # fmt: skip
        record = {"what": what, "date": date, "strategy": approach, "thanks": thanks,
                  "evidence": "Reported at the coalition's monthly meeting."}  # fmt: skip
        if first:
            record["measure_id"] = first
        wins.add(record)
    calendar = sustain.calendar_table(store)
    for event, kind, date, office, ask in (
        ("County board election", "election", "2027-11-02", "County board",
         "Keep the coalition's coordinator in the county budget."),
        ("County budget adopted", "budget", "2028-06-15", "County board",
         "Fund the Saturday job desk for two more years."),
    ):  # fmt: skip
        calendar.add({"event": event, "kind": kind, "date": date, "office": office, "ask": ask})
    planned = sustain.records(store, sustain.SUSTAIN_SECTION)
    engagement = sustain.engagement_table(store, planned)
    record = {
        "activity": "Community check-in on the plan's first months", "date": "2027-03-14",
        "reached": 42, "notes": "Held at the library with childcare and interpretation.",
    }  # fmt: skip
    if planned and planned[0].get("id"):
        record["planned_id"] = planned[0]["id"]
    engagement.add(record)
    funding = sustain.funding_table(store)
    funding.add({"item": "Coalition coordinator (two years)", "date": "2027-01-15",
                 "needed": 160000, "secured": 80000, "funder": "Linden Community Foundation",
                 "status": "pledged", "contact": {"name": "Maren Oduya",
                 "organisation": "Linden Community Foundation",
                 "email": "m.oduya@lindenfoundation.example"}})  # fmt: skip
    funding.add({
        "item": "Saturday job desk", "date": "2027-04-01", "needed": 30000, "secured": 30000,
        "funder": "County workforce board", "status": "secured",
    })  # fmt: skip
    form = review.checklist(SimpleNamespace(step=framework.step(10), plan=store))
    for item in framework.step(10)["checklist"][:2]:
        form.set_value(item["id"], True)
    assert form.save(), form.validate()


def fixed(data: dict) -> dict:
    """The export with fixed timestamps, plan id and record ids (a stable file)."""
    ids: dict[str, str] = {}

    def rename(value):
        if isinstance(value, str):  # a reference to a record (an owner's id), renamed alike
            return ids.get(value, value)
        if isinstance(value, list):
            return [rename(v) for v in value]
        if isinstance(value, dict):
            out = {k: rename(v) for k, v in value.items()}
            if isinstance(value.get("id"), str):
                out["id"] = ids.setdefault(value["id"], f"ex{len(ids) + 1:03d}")
            return out
        return value

    def follow(value):
        """References to records (a member's stakeholder id, "<dataset>/<measure>") too."""
        if isinstance(value, list):
            return [follow(v) for v in value]
        if isinstance(value, dict):
            return {k: follow(v) for k, v in value.items()}
        if isinstance(value, str) and value not in ids.values():
            parts = value.split("/")
            if all(p in ids for p in parts):
                return "/".join(ids[p] for p in parts)
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
    for entry in data["history"]:
        entry["value"] = follow(entry["value"])
    for section in data["sections"].values():
        section["value"] = follow(section["value"])
    _follow_ids(data, ids)
    relink_and_rehash(data, ids)
    data["meta"]["plan_id"] = "example-linden-county-98031"
    data["meta"]["created_at"] = STARTED.isoformat(timespec="milliseconds")
    return data


def _follow_ids(data: dict, ids: dict[str, str]) -> None:
    """References to renamed records follow them: Step 5's "<data set>/<measure>" and
    source ids, and the data sets' rows (kept outside the sections)."""

    def ref(value):
        if isinstance(value, list):
            return [ref(v) for v in value]
        if isinstance(value, dict):
            return {k: ref(v) for k, v in value.items()}
        if isinstance(value, str) and value and all(part in ids for part in value.split("/")):
            return "/".join(ids[part] for part in value.split("/"))
        return value

    for entry in data["history"]:
        if entry["section"].startswith("step5."):
            entry["value"] = ref(entry["value"])
    for name, section in data["sections"].items():
        if name.startswith("step5."):
            section["value"] = ref(section["value"])
    rows = data.get("local_values")
    if rows:
        rows["datasets"] = {
            ids.get(key, key): [[*r[:2], ids.get(r[2], r[2]), *r[3:]] for r in values]
            for key, values in rows["datasets"].items()
        }
        if rows.get("boundaries"):
            rows["boundaries"] = {ids.get(k, k): v for k, v in rows["boundaries"].items()}


def relink_and_rehash(data: dict, ids: dict[str, str]) -> None:
    """Point references (a link's outcomes, chosen findings) at the renamed ids, then
    fingerprint Step 7's versions again, since their snapshots were renamed too."""
    from workbook.analysis.theory_of_change import fingerprint

    def relink(value):
        if isinstance(value, list):
            return [relink(v) for v in value]
        if isinstance(value, dict):
            return {ids.get(k, k): relink(v) for k, v in value.items()}
        return ids.get(value, value) if isinstance(value, str) else value

    entries = [*data["history"], *data["sections"].values()]
    for entry in entries:
        entry["value"] = relink(entry["value"])
    for entry in [*data["history"], data["sections"].get(strategy.APPROVAL_SECTION) or {}]:
        if entry.get("section", strategy.APPROVAL_SECTION) != strategy.APPROVAL_SECTION:
            continue
        for version in (entry.get("value") or {}).get("versions") or []:
            version["hash"] = fingerprint(version["snapshot"])


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
