"""What the form tests share: a team form and a stakeholder table declared like a step's,
and the values that fill them."""

from __future__ import annotations

import datetime as dt
import re

from workbook.forms import (
    Date,
    DateOrder,
    Form,
    Level,
    LongText,
    MultipleChoice,
    Number,
    Person,
    Rating,
    RecordTable,
    ShortText,
    SingleChoice,
    YesNo,
)

SAVED = re.compile(r"^Saved at \d\d:\d\d by Ana$")


SCRIPT = "<script>alert('x')</script>"


def team_fields():
    return [
        ShortText("name", "Coalition name", required=True, max_length=40),
        LongText("purpose", "Why we are doing this", max_length=200),
        Number("budget", "Budget", minimum=0, maximum=1_000_000, unit="USD"),
        Number("members", "Members", integer=True, minimum=1),
        Date("start", "Start"),
        Date("end", "End"),
        SingleChoice("lead", "Lead agency", options=[("City", "city"), ("County", "county")]),
        MultipleChoice(
            "pillars",
            "Pillars",
            options=[("Opportunity", "opp"), ("Dignity", "dig"), ("Power", "pow")],
            max_choices=2,
        ),
        Rating(
            "readiness",
            "Readiness",
            levels=[
                Level(1, "Not started", "Nobody is responsible yet."),
                Level(2, "Emerging", "A lead is named but has no time set aside."),
                Level(3, "Established", "A lead has time and a budget."),
            ],
        ),
        YesNo("approved", "Approved by council"),
        Person("chair", "Chair"),
        ShortText("pin", "Door code", private=True),
    ]


RULES = [DateOrder("start", "end")]


def make_form(store, **options):
    options.setdefault("draft_interval", 0)
    return Form(team_fields(), store, "step4.team", rules=RULES, title="Team", **options)


def fill(form):
    form.set_value("name", "Riverside Mobility Coalition")
    form.set_value("purpose", "Line one\nline two")
    form.controls["budget"].inputs["value"].value = "12,500"  # as a person types it
    form.set_value("members", 9)
    form.set_value("start", dt.date(2025, 3, 1))
    form.set_value("end", "2025-09-30")
    form.controls["lead"].inputs["value"].value = "county"
    form.controls["pillars"].inputs["opp"].value = True
    form.controls["pillars"].inputs["pow"].value = True
    form.controls["readiness"].inputs["value"].value = 2
    form.controls["approved"].inputs["value"].value = True
    form.set_value("chair", {"name": "Bo Lee", "organisation": "County", "email": "bo@c.gov"})
    form.set_value("pin", "4711")


FILLED = {
    "name": "Riverside Mobility Coalition",
    "purpose": "Line one\nline two",
    "budget": 12500.0,
    "members": 9,
    "start": "2025-03-01",
    "end": "2025-09-30",
    "lead": "county",
    "pillars": ["opp", "pow"],
    "readiness": 2,
    "approved": True,
    "chair": {"name": "Bo Lee", "organisation": "County", "email": "bo@c.gov", "phone": ""},
    "pin": "4711",
}


def shown_errors(form):
    return {name: c.error_text for name, c in form.controls.items() if c.error_text}


def stakeholder_fields():
    return [
        Person("person", "Stakeholder", required=True),
        SingleChoice(
            "actor",
            "Actor type",
            options=["Local government", "Community organisation", "Anchor institution"],
            required=True,
        ),
        MultipleChoice("domains", "Policy domains", options=["Housing", "Jobs", "Health"]),
        SingleChoice("request", "Request", options=["asked", "accepted", "declined"]),
        Date("asked_on", "Asked on"),
        Date("answer_by", "Answer by"),
        Rating(
            "influence", "Influence", levels=[(1, "Low", ""), (2, "Medium", ""), (3, "High", "")]
        ),
        YesNo("champion", "Champion"),
        Number("staff", "Staff", integer=True, minimum=0),
        LongText("notes", "Notes", max_length=300),
        ShortText("home_address", "Home address", private=True),
    ]


def make_table(store, **options):
    return RecordTable(
        stakeholder_fields(),
        store,
        "step4.stakeholders",
        rules=[DateOrder("asked_on", "answer_by")],
        title="Stakeholders",
        **options,
    )


ANA = {
    "person": {"name": "Ana Ruiz", "organisation": "Food Bank", "email": "ana@fb.org"},
    "actor": "Community organisation",
    "domains": ["Housing", "Health"],
    "asked_on": dt.date(2025, 2, 1),
    "influence": 3,
    "champion": True,
    "home_address": "1 Elm St",
}


GOOD_CSV = (
    "Stakeholder,Stakeholder organisation,person_email,Actor type,Policy domains,request,"
    "asked_on,answer_by,influence,champion,staff,notes\n"
    "Ana Ruiz,Food Bank,ana@fb.org,Community organisation,Housing; Health,asked,"
    '2025-02-01,2025-03-01,High,yes,12,"Knows everyone, ""really"""\n'
    ",Transit Agency,,local government,,,,,2,no,,\n"
)
