"""The one chart theme: colour-blind-safe colours, readable sizes when projected.

Colours are the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), which
stays distinguishable for the common forms of colour blindness. Each pillar keeps one
colour across every chart of the series.

Every colour the package uses is named here, for charts and for the small HTML views
alike, so that a change of palette is made in one file.
"""

from __future__ import annotations

THEME_NAME = "mobility_workbook"
FONT = "Source Sans Pro, Segoe UI, Helvetica Neue, Arial, sans-serif"
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
PILLAR_COLOURS = {
    "neighborhoods": "#0072B2",
    "education": "#E69F00",
    "work": "#009E73",
    "health": "#CC79A7",
    "governance": "#D55E00",
}
# Judgements: blue for better, orange for worse (safe pair), dark grey for no difference,
# a mid grey for values that are not judged (still 3:1 on white, so a point never vanishes).
JUDGEMENT_COLOURS = {"better": "#0072B2", "worse": "#D55E00", "similar": "#4D4D4D", "": "#8F8F8F"}
NOT_JUDGED = JUDGEMENT_COLOURS[""]
QUALITY_OPACITY = {"Strong": 1.0, "Marginal": 0.75, "Weak": 0.35}
# Quality is also told by shape, so that a legend (and a grey-scale print) tells the levels
# apart without comparing shades of one colour.
QUALITY_SHAPES = {
    "Strong": "circle",
    "Marginal": "diamond",
    "Weak": "triangle-up",
    "none": "square",
}
LEGEND_SYMBOL = "#4D4D4D"  # the fill of legend symbols that stand for a shape, not a colour

# Racial and ethnic groups: one colour per group in every chart, whichever of Urban's
# definitions a metric uses ("Black" or "Black, Non-Hispanic" are both the Black group).
# Each is at least 3:1 on white.
GROUP_COLOURS = {
    "Black": "#0072B2",
    "Hispanic": "#D55E00",
    "White": "#009E73",
    "Other Races and Ethnicities": "#CC79A7",
    "Asian": "#332288",
    "All": "#000000",
}
# Lines told apart only by colour (one per metric): every one at least 3:1 on white.
LINE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#882255", "#997700",
                "#332288"]  # fmt: skip
MUTED = "#9E9E9E"
HIGHLIGHT = "#000000"

# Neutrals: page, lines and text, darkest to lightest.
BLACK = "#000000"
TEXT = "#222222"  # labels that must read like body text
TEXT_STRONG = "#1a1a1a"  # text on the palest cells of a shaded grid
TEXT_SOFT = "#333333"  # notes beside a chart
TEXT_MUTED = "#555555"  # secondary text: "Step 2 of 10", counts, "nothing yet" notes
TEXT_FAINT = "#777777"  # corner labels that must not compete with the marks
GUIDE_LINE = "#bbbbbb"  # dashed guides (the middle of a scale)
BORDER_GREY = "#D0D0D0"  # card borders, county borders
PANEL_BACKGROUND = "#fafafa"  # cards and boxed notes
WHITE = "#ffffff"
# Where there is no value: grey for no data, paler for shapes that could not be drawn.
NO_DATA_GREY = "#BDBDBD"
NOT_DRAWN_GREY = "#E8E8E8"
EMPTY_CELL = "#EEEEEE"  # a cell of a yes/no grid that says "no"

# Roles in comparisons: the place itself is HIGHLIGHT, its peers and its state get the
# next two Okabe-Ito colours, every other place a light grey behind them.
PEER_COLOUR = OKABE_ITO[1]
STATE_COLOUR = OKABE_ITO[5]
OTHER_PLACES = "#c7c7c7"
DISTRIBUTION_BARS = "#c9d6e3"  # the spread of all places, a pale blue-grey

# Status and emphasis in HTML views.
ACCENT = OKABE_ITO[0]  # the default edge of a card
ERROR = "#b00020"  # errors, what is still missing, a field to fix, a conflict to settle
SUCCESS = "#1b6e3a"  # done, saved, imported, exported, complete
PENDING = "#8a5300"  # unsaved changes, answers found after a crash, a click to confirm
WARNING_COLOUR = OKABE_ITO[4]  # the synthetic-sample banner's border
WARNING_BACKGROUND = "#fff4ec"

# Counts on a grid: pale to dark blue; an empty cell is pale orange with dark orange text.
COUNT_LOW = "#DCEAF5"
COUNT_HIGH = OKABE_ITO[0]
EMPTY_COUNT_CELL = "#FBE3D6"
EMPTY_COUNT_TEXT = "#B8470B"

# Maps: ColorBrewer "blues" (see workbook.display.maps); this is its mid-dark blue, for
# the quality legend's squares.
MAP_LEGEND_SWATCH = "#2171B5"

# Documents (the MAP, briefs): CSS variables of the HTML and PDF pages. Text and rules
# are dark enough on white (and on the tinted boxes) for 4.5:1 contrast.
DOCUMENT_COLOURS = {
    "ink": "#1b1b1b",  # body text
    "muted": "#505050",  # captions, notes, page numbers
    "accent": "#0060a0",  # links, the contents' current entry
    "rule": "#d4d4d4",  # table rules, borders
    "soft": "#f4f6f8",  # table header and call-out background
    "gap": "#fff4e5",  # a part not written yet: background
    "gap-rule": "#b34700",  # ... its border and the Draft marker
    "caution": "#fff8d6",  # a caution about the data: background
    "caution-rule": "#8a6d00",  # ... its border
    "key": "#e8f3fb",  # a key message: background
    "paper": "#ffffff",  # the page
}


def theme() -> dict:
    """The Vega-Lite config shared by every chart."""
    return {
        "config": {
            "font": FONT,
            "background": WHITE,
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 300},
            "range": {"category": OKABE_ITO},
            "title": {"fontSize": 17, "fontWeight": 600, "anchor": "start", "offset": 12},
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "titleFontWeight": 500,
                "gridColor": "#e6e6e6",
                "domainColor": "#8c8c8c",
                "tickColor": "#8c8c8c",
            },
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom"},
            "header": {"labelFontSize": 13, "titleFontSize": 13},
            "text": {"fontSize": 12},
            "mark": {"color": OKABE_ITO[0]},
        }
    }


def register() -> None:
    """Register and enable the theme (idempotent)."""
    # Imported here: the colours alone (the workshop's pages) need no Altair.
    import altair as alt

    @alt.theme.register(THEME_NAME, enable=True)
    def _theme() -> alt.theme.ThemeConfig:
        return theme()


# Theory-of-change diagrams (workbook.display.diagrams): one pale fill per outcome level,
# dark text on each (4.5:1 or more), interventions in orange, links in dark grey.
DIAGRAM_LEVEL_FILLS = {
    "long": "#CFE3F3",
    "medium": "#D7EFE6",
    "short": "#FBEBCC",
    "precondition": "#EEEEEE",
}
DIAGRAM_INTERVENTION_FILL = "#FBE3D6"
DIAGRAM_INTERVENTION_LINE = "#B8470B"
DIAGRAM_LINK = "#4D4D4D"
DIAGRAM_PROBLEM = "#b00020"  # the outline of an outcome the checks flag
