"""Live views redraw in place and show their content bare where nothing can change it."""

from __future__ import annotations

import ipywidgets as widgets

from tests.display.test_export import chart_with_user_text
from workbook.display import live, render


def test_live_views_fill_their_widget_without_capturing(monkeypatch):
    """A live view sets its Output widget's outputs (nothing for an executor to capture),
    redraws on refresh, and shows its content bare when it cannot change."""
    from IPython.display import HTML

    monkeypatch.delenv(live.BATCH_ENV, raising=False)
    shown = {"title": "first"}

    def build():
        return (chart_with_user_text().properties(title=shown["title"]), HTML("<p>note</p>"))

    view = live.Live(build)
    assert isinstance(view.output, widgets.Output)
    kinds = [list(o["data"]) for o in view.output.outputs]
    assert render.VEGALITE_MIMETYPE in kinds[0] and "text/html" in kinds[1]
    shown["title"] = "second"
    view.refresh()
    assert view.output.outputs[0]["data"][render.VEGALITE_MIMETYPE]["title"] == "second"
    assert len(view.output.outputs) == 2  # replaced, not appended

    fixed = live.Live(build, changes=False)
    assert not isinstance(fixed.output, widgets.Output) and fixed.output.value == ""
    monkeypatch.setenv(live.BATCH_ENV, "1")
    assert not isinstance(live.Live(build).output, widgets.Output)
