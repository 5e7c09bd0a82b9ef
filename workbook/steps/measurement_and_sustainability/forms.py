"""Step 8's forms: measures, community occasions, reporting, sustainability, resources, learning."""

from __future__ import annotations

from collections.abc import Sequence

from workbook.analysis import measures as ms
from workbook.forms import (
    Date,
    Field,
    Form,
    LongText,
    Number,
    Rating,
    RecordTable,
    ShortText,
    SingleChoice,
    YesNo,
)
from workbook.forms.static import records_table
from workbook.plan.store import PlanStore
from workbook.steps.measurement_and_sustainability.choices import (
    BLOCK_LEVELS,
    BLOCKS,
    COMMUNITY_SECTION,
    DIRECTIONS,
    EVENT_STATUSES,
    FREQUENCIES,
    LEARNING_SECTION,
    MEASURES_SECTION,
    RBA_CHOICES,
    REPORTING_SECTION,
    RESOURCE_STATUSES,
    RESOURCES_SECTION,
    SUSTAINABILITY_SECTION,
)
from workbook.steps.measurement_and_sustainability.fields import (
    BASELINE_PARTS,
    TARGET_PARTS,
    ElementRef,
    GroupRule,
    Owners,
    Parts,
    TargetRule,
)

# --- form specs -----------------------------------------------------------------------


def measure_fields(
    model_elements: Sequence[ms.Element], owners: Sequence[tuple[str, str]], catalog
) -> list[Field]:
    metrics = [(f"{m.name} ({m.variable})", m.variable) for m in catalog if m.is_metric]
    return [
        ShortText("name", label="Measure", required=True, max_length=200),
        ElementRef(
            "element",
            label="Logic-model element",
            required=True,
            choices=tuple((e.label, e.ref) for e in model_elements),
        ),
        SingleChoice(
            "rba",
            label="Category",
            required=True,
            options=RBA_CHOICES,
            help="How much did we do, how well did we do it, is anyone better off.",
        ),
        ShortText("unit", label="Unit", max_length=100),
        SingleChoice("direction", label="Direction", required=True, options=DIRECTIONS),
        SingleChoice(
            "metric",
            label="Mobility Metric",
            options=metrics,
            help="A metric gives the baseline and the history from the data.",
        ),
        ShortText(
            "local_measure",
            label="Local measure",
            max_length=200,
            help="'<dataset id>/<measure id>' from Step 5's local data.",
        ),
        ShortText(
            "subgroup",
            label="Group or gap",
            max_length=200,
            help="Empty for everyone; a group such as 'Black'; or a gap between two "
            "groups: 'gap:Black|White, Non-Hispanic'.",
        ),
        ShortText("source", label="Data source", max_length=500),
        Owners(
            "owners",
            label="Owners",
            choices=tuple(owners),
            help="Who collects and reports it, from Step 4's register.",
        ),
        SingleChoice("frequency", label="Collected", options=FREQUENCIES),
        ShortText("reported_to", label="Reported to", max_length=300),
        Parts(
            "baseline",
            label="Baseline",
            parts=BASELINE_PARTS,
            help="From the data for a metric (use the button below), typed for local "
            "measures; or only 'Collect by' when there is none yet.",
        ),
        Parts("target", label="Target", parts=TARGET_PARTS),
        YesNo(
            "headline",
            label="Headline measure",
            help="Headline measures get a turn-the-curve chart in the plan.",
        ),
    ]


# The columns the listing shows: what a reader needs at 1280 px. The editor below it (and
# the CSV and Excel export) holds every field, sources and metric links included.
LISTED = ("name", "element", "rba", "direction", "baseline", "target", "owners", "frequency")


class MeasuresTable(RecordTable):
    """The measurement plan's record table, listed with its main columns only."""

    def table_html(self) -> str:
        listed = [f for name in LISTED for f in self.fields if f.name == name]
        return records_table(listed, self.records(public=True))


def measures_table(
    store: PlanStore,
    model_elements=(),
    owners=(),
    catalog=(),
    read_only: bool | None = None,
    export_path=None,
) -> RecordTable:
    return MeasuresTable(
        measure_fields(model_elements, owners, catalog),
        store,
        MEASURES_SECTION,
        title="Measurement plan",
        rules=[TargetRule(), GroupRule()],
        intro="One record per measure: what it measures in the logic model, where the data "
        "come from, who owns it, its baseline and its target.",
        read_only=read_only,
        label_field="name",
        export_path=export_path,
    )


def community_table(store: PlanStore, owners=(), read_only: bool | None = None) -> RecordTable:
    fields = [
        ShortText("event", label="Event or channel", required=True, max_length=200),
        Date("date", label="Date"),
        ShortText("place", label="Where", max_length=200),
        ShortText("audience", label="Who it is for", max_length=300),
        Owners("owners", label="Owners", choices=tuple(owners)),
        ShortText("languages", label="Languages", max_length=200),
        SingleChoice("status", label="Status", options=EVENT_STATUSES),
    ]
    return RecordTable(
        fields,
        store,
        COMMUNITY_SECTION,
        title="Events and channels",
        intro="Each occasion where residents see the plan, can question it, and hear what "
        "changed because of what they said.",
        read_only=read_only,
        label_field="event",
    )


def reporting_fields() -> list[Field]:
    return [
        SingleChoice("cadence", label="Progress reports", options=FREQUENCIES, required=True),
        Date("first_report", label="First report"),
        LongText(
            "scorecard",
            label="Public scorecard",
            max_length=2000,
            rows=3,
            help="What the coalition commits to publish, for everyone to see.",
        ),
        ShortText("scorecard_where", label="Where the scorecard lives", max_length=300),
        LongText("chain", label="Who reports to whom", max_length=2000, rows=3),
        LongText(
            "off_track",
            label="When a measure goes off track",
            max_length=2000,
            rows=3,
            help="Who notices, who is told, and what the coalition does next.",
        ),
    ]


def reporting_form(store: PlanStore, read_only: bool | None = None) -> Form:
    return Form(
        reporting_fields(),
        store,
        REPORTING_SECTION,
        title="How progress is reported",
        intro="How often progress is reported, in public and to whom, and what happens "
        "when a measure goes off track.",
        read_only=read_only,
    )


def sustainability_fields() -> list[Field]:
    fields: list[Field] = []
    for key, name, meaning in BLOCKS:
        fields += [
            Rating(
                f"{key}_rating", label=f"{name}: where it stands", levels=BLOCK_LEVELS, help=meaning
            ),
            LongText(f"{key}_evidence", label=f"{name}: evidence", max_length=2000, rows=2),
            LongText(f"{key}_risks", label=f"{name}: risks", max_length=2000, rows=2),
            LongText(f"{key}_actions", label=f"{name}: actions", max_length=2000, rows=2),
            ShortText(f"{key}_actors", label=f"{name}: responsible", max_length=300),
        ]
    return fields


def sustainability_form(store: PlanStore, read_only: bool | None = None) -> Form:
    return Form(
        sustainability_fields(),
        store,
        SUSTAINABILITY_SECTION,
        title="The four building blocks",
        intro="Urban's four building blocks of lasting work: for each, where the coalition "
        "stands, the evidence, the risks, the actions and who carries them.",
        read_only=read_only,
    )


def resources_table(store: PlanStore, read_only: bool | None = None) -> RecordTable:
    fields = [
        ShortText("item", label="What it pays for", required=True, max_length=200),
        SingleChoice("block", label="Building block", options=[(n, k) for k, n, _ in BLOCKS]),
        Number("needed", label="Needed", minimum=0, required=True),
        Number("secured", label="Secured", minimum=0),
        ShortText("source", label="Source", max_length=300),
        SingleChoice("status", label="Status", options=RESOURCE_STATUSES),
        Date("date", label="Decision or arrival date"),
    ]
    return RecordTable(
        fields,
        store,
        RESOURCES_SECTION,
        title="Resources needed and secured",
        intro="Money, staff time and in-kind support: what the plan needs, what is "
        "secured, from whom and by when.",
        read_only=read_only,
        label_field="item",
    )


def learning_table(store: PlanStore, owners=(), read_only: bool | None = None) -> RecordTable:
    fields = [
        ShortText("question", label="Learning question", required=True, max_length=300),
        LongText("method", label="How it will be answered", max_length=2000, rows=2),
        Date("review_date", label="Review date"),
        Owners("owners", label="Owners", choices=tuple(owners)),
        YesNo("data_sharing", label="Needs a data-sharing agreement"),
        ShortText("agreement_with", label="Agreement with", max_length=300),
    ]
    return RecordTable(
        fields,
        store,
        LEARNING_SECTION,
        title="Learning questions",
        intro="What the coalition wants to learn, how it will find out, when it reviews, "
        "and which data it needs others to share.",
        read_only=read_only,
        label_field="question",
    )
