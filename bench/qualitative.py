"""Step 6's coding analysis at scale: 200 sources and 5,000 coded excerpts.

Times what the Step 6 views compute from the plan: code frequencies by activity type and
by working group, the code co-occurrence matrix (and its tidy form for the heatmap), and
the joint display of every priority predictor (themes and permitted, redacted quotes).
The comparison with peers, which the joint display also reads, is computed once before
the timing, as the step does. The goal is all of it in under 2 s on a 2-core machine.

Run by hand: ``python bench/qualitative.py [REPEATS]``; prints figures, asserts nothing.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.analysis import qualitative as qual  # noqa: E402
from workbook.data.catalog import load_catalog, load_framework  # noqa: E402

GOAL = 2.0
SOURCES, EXCERPTS, CODES, GROUPS = 200, 5000, 40, 6
TYPES = (
    "interview",
    "focus_group",
    "listening_session",
    "community_meeting",
    "survey",
    "data_walk",
    "story_circle",
    "other",
)
CONSENTS = (qual.QUOTE_NAMED, qual.QUOTE_ANONYMOUS, qual.NO_QUOTES)


def make_plan(seed: int = 6):
    rng = random.Random(seed)
    framework = load_framework()
    predictors = [p["name"] for pillar in framework.pillars for p in pillar["predictors"]]
    groups = [f"g{n}" for n in range(GROUPS)]
    sources = {
        f"s{n}": {
            "id": f"s{n}",
            "type": rng.choice(TYPES),
            "group_id": rng.choice(groups),
            "consent": rng.choice(CONSENTS),
            "reached": rng.randint(1, 40),
        }
        for n in range(SOURCES)
    }
    codebook = [
        {
            "id": f"c{n}",
            "name": f"Code {n}",
            "description": f"What code {n} means.",
            "parent": None,
            "predictors": rng.sample(predictors, k=rng.randint(0, 2)),
        }
        for n in range(CODES)
    ]
    excerpts = []
    for n in range(EXCERPTS):
        quote = f"Passage {n}: what one person said about rent, buses and work."
        excerpts.append(
            {
                "id": f"e{n}",
                "source": f"s{rng.randrange(SOURCES)}",
                "codes": [f"c{c}" for c in rng.sample(range(CODES), k=rng.randint(1, 4))],
                "quote": {"shown": quote},
                "memo": {"shown": f"Memo {n}."} if n % 3 == 0 else None,
            }
        )
    priorities = rng.sample(predictors, k=5)
    catalog = load_catalog()
    import pandas as pd

    standing = pd.DataFrame(
        [
            {
                "predictor": m.predictor,
                "name": m.name,
                "vs_peers": rng.choice(["better", "worse", "similar"]),
                "quality": rng.choice(["Strong", "Marginal", "Weak"]),
            }
            for m in catalog
            if m.is_metric
        ]
    )
    return sources, codebook, excerpts, priorities, standing, {g: g.upper() for g in groups}


def run_once(plan) -> dict[str, float]:
    sources, codebook, excerpts, priorities, standing, group_names = plan
    times = {}
    started = time.perf_counter()
    qual.frequencies(excerpts, codebook, sources.values(), "type")
    times["frequency by type"] = time.perf_counter() - started
    mark = time.perf_counter()
    qual.frequencies(excerpts, codebook, sources.values(), "group_id", group_names)
    times["frequency by group"] = time.perf_counter() - mark
    mark = time.perf_counter()
    qual.cooccurrence_long(qual.cooccurrence(excerpts, codebook))
    times["co-occurrence"] = time.perf_counter() - mark
    mark = time.perf_counter()
    qual.joint_display(priorities, standing, {}, excerpts, codebook, sources)
    times["joint displays"] = time.perf_counter() - mark
    times["all"] = time.perf_counter() - started
    return times


def main(repeats: int = 5) -> None:
    plan = make_plan()
    run_once(plan)  # warm-up: imports and first allocations
    runs = [run_once(plan) for _ in range(repeats)]
    print(f"{SOURCES} sources, {EXCERPTS} excerpts, {CODES} codes; median of {repeats} runs")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"  {key:<20} {statistics.median(values):7.3f} s  (max {max(values):.3f} s)")
    total = statistics.median(r["all"] for r in runs)
    verdict = "within" if total < GOAL else "over"
    print(f"all: {total:.3f} s, {verdict} the goal of {GOAL:g} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
