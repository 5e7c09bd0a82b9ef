"""Small HTML pieces every step's page uses."""

from __future__ import annotations

from workbook.display import views


def test_an_opening_is_led_by_its_place_as_text():
    opening = '<div class="wb-headline"><p>3 measures</p></div>'
    led = views.place_first(opening, "Loving County, Texas <b>")
    assert led.startswith('<div class="wb-headline"><p class="wb-headline-place">')
    assert "Loving County, Texas &lt;b&gt;" in led and led.endswith("<p>3 measures</p></div>")
    assert views.place_first(opening, None) == opening
