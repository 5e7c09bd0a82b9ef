"""Step 6, develop a fuller picture: working groups, what people said, systems, findings.

Plan sections: ``step6.groups`` (working groups, members from Step 4's register),
``step6.activities`` (engagement activities and their material), ``step6.codebook``,
``step6.excerpts`` (passages of the material, their codes and memos), ``step6.timeline``,
``step6.relationships`` and ``step6.narratives`` (systems and narratives),
``step6.identifiers`` (names the team wants redacted), ``step6.findings`` (statements
with evidence, the community's follow-up and every revision) and ``step6.sustain``
(the plan to keep people engaged).

Privacy: an activity's notes or transcript (``material.text``) never leave edit mode.
Quotes and memos are kept as typed (private) beside a copy with e-mails, phone numbers
and names redacted (the names of Step 4's register and team and the team's own list);
only that copy reaches dashboards, exports and the MAP, and a quote reaches the MAP only
when its activity's consent allows quoting.
"""

from __future__ import annotations

from workbook.steps.fuller_picture.fields import (
    Codebook,
    activity_fields,
    code_fields,
    excerpt_fields,
    finding_fields,
    group_fields,
    identifier_fields,
    narrative_fields,
    relationship_fields,
    sustain_fields,
    timeline_fields,
)
from workbook.steps.fuller_picture.joint import (
    joint_html,
    joint_table,
    local_sentences,
    standing,
)
from workbook.steps.fuller_picture.map_parts import (
    map_findings,
    map_how_we_got_here,
    map_sustainability,
)
from workbook.steps.fuller_picture.sections import (
    ACTIVITIES_SECTION,
    ACTIVITY_TYPES,
    ANCHORS,
    CODEBOOK_SECTION,
    CONSENTS,
    EVIDENCE_KINDS,
    EXCERPTS_SECTION,
    FINDINGS_SECTION,
    GROUPS_SECTION,
    IDENTIFIER_KINDS,
    IDENTIFIERS_SECTION,
    INSIGHTS,
    LOCAL_DATA,
    NARRATIVES_SECTION,
    NO_REGISTER,
    PRIORITIES,
    RELATIONS,
    RELATIONSHIPS_SECTION,
    STAKEHOLDERS,
    STEP,
    STRENGTH_LABELS,
    STRENGTHS,
    SUSTAIN_SECTION,
    TEAM,
    TIMELINE_SECTION,
    TYPE_LABELS,
    WITHHELD,
    identifier_names,
    predictor_names,
    priority_predictors,
)
from workbook.steps.fuller_picture.workshop import (
    FullerPicture,
)

__all__ = [
    "ACTIVITIES_SECTION",
    "ACTIVITY_TYPES",
    "ANCHORS",
    "CODEBOOK_SECTION",
    "CONSENTS",
    "Codebook",
    "EVIDENCE_KINDS",
    "EXCERPTS_SECTION",
    "FINDINGS_SECTION",
    "FullerPicture",
    "GROUPS_SECTION",
    "IDENTIFIERS_SECTION",
    "IDENTIFIER_KINDS",
    "INSIGHTS",
    "LOCAL_DATA",
    "NARRATIVES_SECTION",
    "NO_REGISTER",
    "PRIORITIES",
    "RELATIONS",
    "RELATIONSHIPS_SECTION",
    "STAKEHOLDERS",
    "STEP",
    "STRENGTHS",
    "STRENGTH_LABELS",
    "SUSTAIN_SECTION",
    "TEAM",
    "TIMELINE_SECTION",
    "TYPE_LABELS",
    "WITHHELD",
    "activity_fields",
    "code_fields",
    "excerpt_fields",
    "finding_fields",
    "group_fields",
    "identifier_fields",
    "identifier_names",
    "joint_html",
    "joint_table",
    "local_sentences",
    "map_findings",
    "map_how_we_got_here",
    "map_sustainability",
    "narrative_fields",
    "predictor_names",
    "priority_predictors",
    "relationship_fields",
    "standing",
    "sustain_fields",
    "timeline_fields",
]
