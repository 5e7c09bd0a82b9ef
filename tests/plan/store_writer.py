"""A separate process that writes to a plan, for tests/plan/test_store.py.

    python tests/plan/store_writer.py crash PLAN           save large documents until killed
    python tests/plan/store_writer.py contend PLAN NAME N START
                                                     add N entries to one shared list,
                                                     retrying after each conflict
    python tests/plan/store_writer.py exit PLAN      save 'step2.peers' and exit as a
                                                     notebook kernel does, plan left open
    python tests/plan/store_writer.py killed PLAN    save 'step2.peers', then be killed
                                                     before any exit hook runs
    python tests/plan/store_writer.py hold PLAN      save, then keep a write transaction
                                                     open (and saving) until stdin closes

Documents are generated from a sequence number, so the test can rebuild every document
a writer could have saved and check that what it finds is one of them, whole.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import signal
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


PEERS = {"keys": ["98001", "98002", "98003"], "note": "saved by a kernel"}


def exit_like_a_kernel(plan: str) -> None:
    """Save, then exit as a notebook kernel does: exit hooks run, the store is never closed.

    A plain script frees its objects on the way out (which closes the connection); a
    kernel's namespace outlives it, so os._exit after the hooks is the faithful copy.
    """
    store = PlanStore.open(plan, author="kernel")
    store.save("step2.peers", PEERS, 0)
    print("saved", flush=True)
    atexit._run_exitfuncs()
    os._exit(0)


def killed(plan: str) -> None:
    """Save, then die as a kernel ended by force does: no exit hooks, nothing closed."""
    store = PlanStore.open(plan, author="kernel")
    store.save("step2.peers", PEERS, 0)
    print("saved", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def hold(plan: str) -> None:
    """Keep saving, and hold a write transaction open until the test closes stdin."""
    with PlanStore.open(plan, author="holder") as store:
        record = store.save("busy", {"n": 0}, 0)
        for n in range(1, 50):
            record = store.save("busy", {"n": n}, record.version)
        conn = store.connection
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE sections SET value = '{\"n\":-1}' WHERE name = 'busy'")
        print("holding", flush=True)
        sys.stdin.read()
        conn.execute("ROLLBACK")


if __name__ == "__main__":
    mode, path, *rest = sys.argv[1:]
    if mode == "crash":
        crash(path)
    elif mode == "exit":
        exit_like_a_kernel(path)
    elif mode == "killed":
        killed(path)
    elif mode == "hold":
        hold(path)
    else:
        contend(path, rest[0], int(rest[1]), float(rest[2]))
