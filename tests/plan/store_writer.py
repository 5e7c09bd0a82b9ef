"""A separate process that writes to a plan, for tests/plan/test_store.py.

    python tests/plan/store_writer.py crash PLAN           save large documents until killed
    python tests/plan/store_writer.py contend PLAN NAME N START
                                                     add N entries to one shared list,
                                                     retrying after each conflict

Documents are generated from a sequence number, so the test can rebuild every document
a writer could have saved and check that what it finds is one of them, whole.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbook.plan.store import ConflictError, PlanStore  # noqa: E402

CRASH_SECTIONS = ("alpha", "beta", "gamma")
ROWS = 400  # about 100 KB of JSON per document: a save spans many database pages


def crash_document(section: str, seq: int) -> dict:
    """The document a crash writer saves to ``section`` as its ``seq``-th save."""
    rows = [
        {
            "i": i,
            "text": f"{section}:{seq}:{i}:" + hashlib.sha1(f"{seq}{i}".encode()).hexdigest() * 4,
        }
        for i in range(ROWS)
    ]
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    return {"seq": seq, "section": section, "rows": rows, "digest": digest}


def crash(plan: str) -> None:
    with PlanStore.open(plan, author="crash-writer") as store:
        records = {s: store.get(s) for s in CRASH_SECTIONS}
        seq = max((r.value["seq"] for r in records.values() if r.exists), default=0)
        announced = False
        while True:
            seq += 1
            for section in CRASH_SECTIONS:
                records[section] = store.save(
                    section, crash_document(section, seq), records[section].version
                )
            if not announced:
                print("ready", flush=True)
                announced = True


def contend(plan: str, name: str, count: int, start_at: float) -> None:
    with PlanStore.open(plan, author=name) as store:
        time.sleep(max(0.0, start_at - time.time()))  # start together with the others
        for i in range(count):
            entry = f"{name}-{i}"
            while True:
                record = store.get("shared")
                try:
                    saved = store.save("shared", [*(record.value or []), entry], record.version)
                except ConflictError as exc:
                    print(f"conflict {exc.conflict_id} {entry}", flush=True)
                    continue
                print(f"saved {saved.version} {entry}", flush=True)
                break


if __name__ == "__main__":
    mode, path, *rest = sys.argv[1:]
    if mode == "crash":
        crash(path)
    else:
        contend(path, rest[0], int(rest[1]), float(rest[2]))
