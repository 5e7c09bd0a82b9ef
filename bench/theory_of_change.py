"""Laying out and drawing a theory of change of 100 outcomes (target: under 1 second).

Builds a theory of change of 100 outcomes in four levels, about 100 links and 10
interventions, then times the checks, the Graphviz layout to SVG (what the notebook and
the MAP's HTML and PDF show) and to PNG (what the MAP's Word file holds). Prints
figures, asserts nothing. Run by hand: ``python bench/theory_of_change.py [OUTCOMES]``.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.analysis import theory_of_change as toc_model  # noqa: E402
from workbook.display.diagrams import toc_png, toc_svg  # noqa: E402

TARGET_SECONDS = 1.0


def example(count: int, seed: int = 7) -> dict:
    """``count`` outcomes, each level leading to the one above, with some cross-links."""
    rng = random.Random(seed)
    levels = toc_model.LEVELS
    outcomes = [
        {"id": f"o{n}", "name": f"Outcome {n}: a change in how residents find homes and work",
         "level": levels[min(3, n * 4 // count)], "metrics": ["share_employed"]}
        for n in range(count)
    ]  # fmt: skip
    by_level = {lv: [o["id"] for o in outcomes if o["level"] == lv] for lv in levels}
    links = []
    for upper, lower in zip(levels, levels[1:], strict=False):
        for source in by_level[lower]:
            for target in rng.sample(
                by_level[upper], k=min(len(by_level[upper]), 1 + (rng.random() < 0.3))
            ):
                links.append({"id": f"k{len(links)}", "from": source, "to": target,
                              "rationale": "because", "assumptions": ""})  # fmt: skip
    interventions = [
        {"id": f"i{n}", "name": f"Intervention {n}", "links": [f"k{n * 7}", f"k{n * 7 + 3}"]}
        for n in range(10)
    ]
    return {"outcomes": outcomes, "links": links, "interventions": interventions}


def timed(label: str, action) -> float:
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    size = (
        f" ({len(result):,} characters)"
        if isinstance(result, str)
        else (f" ({len(result):,} bytes)" if isinstance(result, bytes) else "")
    )
    print(f"{label:<42} {seconds:6.3f} s{size}")
    return seconds


def main(count: int = 100) -> None:
    toc = example(count)
    print(f"A theory of change of {len(toc['outcomes'])} outcomes, {len(toc['links'])} links, "
          f"{len(toc['interventions'])} interventions")  # fmt: skip
    timed("checks (cycles, orphans, measures...)", lambda: toc_model.check(toc))
    toc_svg(toc)  # the first call starts Graphviz's plugins from cold disk caches
    svg = min(timed("layout and drawing, SVG", lambda: toc_svg(toc)) for _ in range(3))
    png = timed("layout and drawing, PNG (for Word)", lambda: toc_png(toc))
    verdict = "meets" if svg < TARGET_SECONDS else "misses"
    print(
        f"Best SVG time {svg:.3f} s: {verdict} the {TARGET_SECONDS:g} s target (PNG {png:.3f} s)."
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
