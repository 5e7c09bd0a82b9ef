"""A room of 100 phones voting at once on the workshop server, on loopback.

Starts ``workbook workshop`` on a new plan with one open dot-voting ballot, then 100
simulated participants (one thread each) each fetch the phone page and send the form
with its CSRF token, as a browser does. Twice: all released at the same instant (the
worst case), then arriving evenly over 10 seconds (a room told "vote now"). Prints the
wall time, the ballots lost (acknowledged but not in the plan; must be 0), the p50 and
p95 response times and the server's resident memory (RSS).

Run by hand: ``python bench/ballots.py [PARTICIPANTS]``; prints figures, asserts nothing.
"""

from __future__ import annotations

import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.ballots import get_ballot, open_ballot  # noqa: E402
from workbook.plan.store import PlanStore  # noqa: E402

OPTIONS = [
    "Housing stability", "Transportation access", "Jobs paying a living wage",
    "Access to health services", "Safety from crime", "Digital access",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(participants: int, spread: float) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ballots-bench-"))
    plan = folder / "plan.sqlite"
    with PlanStore.open(plan, author="bench") as store:
        ballot = open_ballot(store, 5, "Which first?", OPTIONS, "dots", dots_per_person=3,
                             stacking=True)  # fmt: skip
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "workbook", "workshop", "--plan-path", str(plan), "--port",
         str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(base + "/", timeout=2)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the workshop server did not start") from None
            time.sleep(0.2)

    ids = [o["id"] for o in ballot.options]
    times: list[float] = []
    acknowledged: list[int] = []
    errors: list[str] = []
    guard = threading.Lock()
    start = threading.Barrier(participants + 1)

    def participant(number: int) -> None:
        session = requests.Session()
        start.wait()
        time.sleep(spread * number / participants)
        try:
            began = time.perf_counter()
            page = session.get(f"{base}/b/{ballot.join_code}", timeout=30)
            middle = time.perf_counter()
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
            fields = {"_xsrf": xsrf, f"dots-{ids[number % len(ids)]}": "2",
                      f"dots-{ids[(number + 1) % len(ids)]}": "1"}  # fmt: skip
            sent = session.post(f"{base}/b/{ballot.join_code}", data=fields,
                                allow_redirects=False, timeout=30)  # fmt: skip
            ended = time.perf_counter()
            with guard:
                times.extend([middle - began, ended - middle])
                if sent.status_code == 303:
                    acknowledged.append(number)
                else:
                    errors.append(f"{sent.status_code}")
        except Exception as exc:  # noqa: BLE001 - counted and printed
            with guard:
                errors.append(repr(exc))

    busy = psutil.Process(server.pid)
    cpu_before = sum(busy.cpu_times()[:2])
    threads = [threading.Thread(target=participant, args=(n,)) for n in range(participants)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    rss = busy.memory_info().rss / 2**20
    cpu = sum(busy.cpu_times()[:2]) - cpu_before
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)

    with PlanStore.open(plan) as store:
        tally = get_ballot(store, ballot.id).close()
    lost = len(acknowledged) - tally.voters
    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)] if ms else float("nan")
    arrival = f"arriving evenly over {spread:g} s" if spread else "all at the same instant"
    print(f"participants:        {participants}, {arrival} (one page and one form each)")
    print(f"all done in:         {wall:.2f} s")
    print(f"acknowledged:        {len(acknowledged)}; refused or failed: {len(errors)}")
    if errors:
        print(f"  first problems:    {errors[:3]}")
    print(f"ballots lost:        {lost}  (in the plan: {tally.voters})")
    print(f"points counted:      {sum(tally.counts.values())} (expected {3 * len(acknowledged)})")
    print(f"response p50 / p95:  {statistics.median(ms):.0f} ms / {p95:.0f} ms")
    print(f"server CPU time:     {cpu:.2f} s ({1000 * cpu / max(1, len(times)):.1f} ms a request)")
    print(f"server memory (RSS): {rss:.0f} MB")
    print(f"machine load (1 min): {psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} cores")


def main(participants: int = 100) -> None:
    run(participants, 0.0)
    print()
    run(participants, 10.0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
