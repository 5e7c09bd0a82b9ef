"""Step 8, plan for measurement and sustainability: measures, reporting, sustainability, learning.

Plan sections: ``step8.measures`` (one record per measure of the approved logic model:
element, name, unit, direction, metric or local measure, group or gap, results-based
accountability category, source, owners, frequency, to whom it is reported, baseline,
target, headline), ``step8.community`` (how the plan goes back to the community),
``step8.reporting`` (cadence, the public scorecard, who reports to whom, what happens off
track), ``step8.sustainability`` (Urban's four building blocks: rating, evidence, risks,
actions, responsible actors), ``step8.resources`` (needed against secured) and
``step8.learning`` (learning questions, how and when they are answered, data-sharing
agreements).

The logic model is read from Step 7's latest approved version (``step7.approval``);
owners are Step 4's stakeholder or team record ids, shown by their public names only.
The logic of measures, baselines, forecasts and checks is in
:mod:`workbook.analysis.measures`; the charts in :mod:`workbook.display.measure_charts`.
"""

from workbook.steps.measurement_and_sustainability.choices import (
    COMMUNITY_SECTION,
    LEARNING_SECTION,
    MEASURES_SECTION,
    REPORTING_SECTION,
    RESOURCES_SECTION,
    STEP,
    SUSTAINABILITY_SECTION,
)
from workbook.steps.measurement_and_sustainability.document import (
    map_measurement_plan,
    map_sustainability,
)
from workbook.steps.measurement_and_sustainability.forms import (
    community_table,
    learning_table,
    measures_table,
    reporting_form,
    resources_table,
    sustainability_form,
)
from workbook.steps.measurement_and_sustainability.views import (
    MeasurementAndSustainability,
    add_proposals,
    data_baseline,
    export_measures,
    fill_baselines,
    logic_model,
    owner_choices,
)

__all__ = [
    "COMMUNITY_SECTION",
    "LEARNING_SECTION",
    "MEASURES_SECTION",
    "REPORTING_SECTION",
    "RESOURCES_SECTION",
    "STEP",
    "SUSTAINABILITY_SECTION",
    "MeasurementAndSustainability",
    "add_proposals",
    "community_table",
    "data_baseline",
    "export_measures",
    "fill_baselines",
    "learning_table",
    "logic_model",
    "map_measurement_plan",
    "map_sustainability",
    "measures_table",
    "owner_choices",
    "reporting_form",
    "resources_table",
    "sustainability_form",
]
