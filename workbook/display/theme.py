"""The one chart theme: colour-blind-safe colours, readable sizes when projected.

Colours are the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), which
stays distinguishable for the common forms of colour blindness. Each pillar keeps one
colour across every chart of the series.
"""

from __future__ import annotations

import altair as alt

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
# Judgements: blue for better, orange for worse (safe pair), grey for no difference.
JUDGEMENT_COLOURS = {"better": "#0072B2", "worse": "#D55E00", "similar": "#8C8C8C", "": "#BDBDBD"}
QUALITY_OPACITY = {"Strong": 1.0, "Marginal": 0.75, "Weak": 0.35}
MUTED = "#9E9E9E"
HIGHLIGHT = "#000000"


def theme() -> dict:
    """The Vega-Lite config shared by every chart."""
    return {
        "config": {
            "font": FONT,
            "background": "#ffffff",
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

    @alt.theme.register(THEME_NAME, enable=True)
    def _theme() -> alt.theme.ThemeConfig:
        return theme()


# Status text in forms and messages: what happened to what someone typed.
ERROR = "#b00020"  # not saved, a field to fix, a conflict to settle
SUCCESS = "#1b6e3a"  # saved, imported, exported
PENDING = "#8a5300"  # unsaved changes, answers found after a crash, a click to confirm
SECONDARY_TEXT = "#555"  # help under a field, "not saved yet", the saved-at line
