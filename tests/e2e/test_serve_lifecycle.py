"""`workbook serve` starts only for a real plan, stops cleanly on every stop signal, keeps
kernels from piling up, and sends its security headers on every response."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import command_line, default_signals
from tests.e2e import test_dashboards as tdash
from workbook.data.sources import PROJECT_ROOT
from workbook.errors import WorkbookError
from workbook.plan.store import PlanStore
from workbook.serve.server import serve_command

plan = tdash.plan  # the seeded example plan (module fixture)
dashboards = tdash.dashboards  # `workbook serve` on that plan (module fixture)
free_port = tdash.free_port
STEP1 = tdash.STEPS[1]


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def _answers(base: str) -> bool:
    try:
        tdash._status(base, "/")
        return True
    except OSError:
        return False


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_ends_the_server_its_kernels_and_its_folder(tmp_path, plan, stop):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook", "serve", "--port", str(port),
         "--plan-path", str(plan["path"])],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=default_signals,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )  # fmt: skip
    try:
        _wait_for(lambda: _answers(base), 120, "the server did not start")
        parent = psutil.Process(process.pid)
        # The pre-heated kernels are running once the server answers a page.
        status, _ = tdash._status(base, f"/voila/render/{STEP1.name}")
        assert status == 200
        family = parent.children(recursive=True)
        kernels = [p for p in family if "ipykernel" in command_line(p)]
        assert kernels, "no kernel to check"
        voila = next(p for p in family if "workbook.serve.server" in command_line(p))
        site = Path(voila.cmdline()[voila.cmdline().index("workbook.serve.server") + 1])
        assert site.is_dir()
        # Kernels still running the notebook when stopped print their own complaint;
        # stop once the pool has filled, as a service manager usually would.
        _wait_for(lambda: _all_idle(base), 120, "kernels stayed busy")
        process.send_signal(stop)
        output = process.communicate(timeout=90)[0]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "Dashboards stopped." in output
    # No error of the command or of Voila (a kernel stopped in mid-run may print its own).
    assert "workbook/serve" not in output and "voila/app.py" not in output
    gone, alive = psutil.wait_procs(family, timeout=30)
    assert alive == [], f"left running after {stop.name}: {alive}"
    assert not site.exists(), "the staged notebooks were left behind"
    assert not _answers(base)


def test_serve_refuses_a_file_that_is_not_a_plan(tmp_path):
    bogus = tmp_path / "plan.sqlite"
    bogus.write_bytes(os.urandom(4096))
    before = bogus.read_bytes()
    with pytest.raises(WorkbookError) as store_says:
        PlanStore.open(bogus, read_only=True)
    result = subprocess.run(
        [sys.executable, "-m", "workbook", "serve", "--plan-path", str(bogus),
         "--port", str(free_port())],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )  # fmt: skip
    assert result.returncode == 2
    assert str(store_says.value) in result.stderr
    assert "Traceback" not in result.stderr and "Dashboards for" not in result.stdout
    assert bogus.read_bytes() == before  # left untouched


def _kernel_of(page: bytes) -> str:
    return re.search(rb'"kernelId": "([0-9a-f-]+)"', page).group(1).decode()


def _serve_step1(tmp_path, plan, *options: str, ready=None):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    (notebooks / STEP1.name).write_bytes(STEP1.read_bytes())
    port = free_port()
    command, env = serve_command(
        plan_path=plan["path"],
        port=port,
        notebooks_dir=notebooks,
        site_dir=tmp_path / "site",
        ready=ready,
    )
    base = f"http://127.0.0.1:{port}"
    context = tdash.start_server([*command, *options], env, tmp_path / "voila.log", base)
    return base, context


def test_a_kernel_no_page_connects_to_goes_within_its_short_timeout(tmp_path, plan):
    """A link preview or a crawler fetches the page but never opens the kernel's socket."""
    base, context = _serve_step1(
        tmp_path, plan,
        "--DashboardKernelManager.never_connected_timeout=3",
        "--MappingKernelManager.cull_interval=1",
    )  # fmt: skip
    try:
        status, page = tdash._status(base, f"/voila/render/{STEP1.name}")
        assert status == 200
        kernel = _kernel_of(page)
        assert tdash._status(base, f"/api/kernels/{kernel}")[0] == 200
        _wait_for(
            lambda: tdash._status(base, f"/api/kernels/{kernel}")[0] == 404,
            60,
            "a kernel no page connected to was not culled",
        )
        # The next viewer still gets a pre-heated kernel that has run the notebook.
        status, again = tdash._status(base, f"/voila/render/{STEP1.name}")
        assert status == 200 and _kernel_of(again) != kernel
    finally:
        context.__exit__(None, None, None)


def test_at_the_kernel_limit_unconnected_kernels_make_room(tmp_path, plan):
    base, context = _serve_step1(
        tmp_path, plan,
        "--DashboardKernelManager.max_kernels=2",
        "--DashboardKernelManager.reclaim_grace=0",
        # Only the limit makes room here: the two-minute timeout for unconnected kernels
        # must not end the second viewer's kernel while a slow machine refills the pool.
        "--DashboardKernelManager.never_connected_timeout=900",
    )  # fmt: skip
    try:
        first = _kernel_of(tdash._status(base, f"/voila/render/{STEP1.name}")[1])
        # Serving the first page took the pool's kernel; refilling the pool makes two.
        _wait_for(lambda: len(_kernel_ids(base)) == 2, 300, "the pool was not refilled")
        second = _kernel_of(tdash._status(base, f"/voila/render/{STEP1.name}")[1])
        # Refilling again would make three: the first viewer never connected, so its
        # kernel makes room.
        _wait_for(lambda: first not in _kernel_ids(base), 300, "no room was made")
        assert second in _kernel_ids(base) and len(_kernel_ids(base)) <= 2
    finally:
        context.__exit__(None, None, None)


def _state(base: str, kernel: str) -> str:
    """A kernel's execution state as the server knows it ("starting", "busy", "idle")."""
    import json

    status, body = tdash._status(base, f"/api/kernels/{kernel}")
    return json.loads(body)["execution_state"] if status == 200 else "gone"


def _kernel_ids(base: str) -> set[str]:
    """The server's kernels, from their processes' connection files (Voila lists none)."""
    port = int(base.rsplit(":", 1)[1])
    voila = next(
        p
        for p in psutil.process_iter(["cmdline"])
        if "workbook.serve.server" in " ".join(p.info["cmdline"] or [])
        and f"--Voila.port={port}" in (p.info["cmdline"] or [])
    )
    found = set()
    for child in voila.children(recursive=True):
        match = re.search(r"kernel-([0-9a-f-]{36})\.json", command_line(child))
        if match:
            found.add(match.group(1))
    return found


def _all_idle(base: str) -> bool:
    import json

    states = []
    for kernel in _kernel_ids(base):
        status, body = tdash._status(base, f"/api/kernels/{kernel}")
        states.append(status == 200 and json.loads(body)["execution_state"] == "idle")
    return bool(states) and all(states)


def test_a_full_server_says_it_is_busy_instead_of_starting_another_kernel():
    from tornado.web import HTTPError

    from workbook.serve.server import DashboardKernelManager

    manager = DashboardKernelManager(max_kernels=0)
    with pytest.raises(HTTPError) as busy:
        asyncio.run(manager.start_kernel())
    assert busy.value.status_code == 503 and "try again" in busy.value.reason
    assert manager.list_kernel_ids() == []


def test_error_pages_carry_the_security_headers(dashboards):
    base = dashboards["base"]
    host = base.removeprefix("http://")
    import http.client

    def headers(path: str) -> tuple[int, dict[str, str]]:
        connection = http.client.HTTPConnection(*host.split(":"), timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}

    ok_status, page = headers("/")
    assert ok_status == 200
    for path in ("/no/such/page", "/voila/files/plan.sqlite", "/voila/static/../x"):
        status, error = headers(path)
        assert status in (403, 404), path
        for name in ("content-security-policy", "x-content-type-options", "referrer-policy"):
            assert error.get(name) == page.get(name) and error.get(name), (path, name)
    policy = page["content-security-policy"]
    connect = re.search(r"connect-src ([^;]+)", policy).group(1).split()
    assert set(connect) == {"'self'", f"ws://{host}", f"wss://{host}"}


def test_a_step_can_keep_several_kernels_ready_for_an_audience(tmp_path, plan):
    """`--ready 1=3`: three viewers arriving together each find a kernel that has run
    the notebook, and the kernel limit leaves room for them. The pool is refilled after
    they came, one kernel at a time (tests/serve/test_paced_pools.py has the rules)."""
    base, context = _serve_step1(
        tmp_path, plan, "--DashboardKernelManager.refill_after=1", ready=["1=3"]
    )
    try:
        log = tmp_path / "voila.log"
        _wait_for(
            lambda: f"Kernel pool of {STEP1.name} is filled with 3 kernel(s)" in log.read_text(),
            300,
            "the pool of three kernels was not filled",
        )
        ready = _kernel_ids(base)
        assert len(ready) == 3
        pages = [tdash._status(base, f"/voila/render/{STEP1.name}") for _ in range(3)]
        assert [status for status, _ in pages] == [200, 200, 200]
        # Each viewer got one of the kernels that were waiting, with the notebook run.
        assert {_kernel_of(page) for _, page in pages} == ready
        assert all(b"Step 1" in page for _, page in pages)
        # Refilled: three new kernels, never more than one of them running at a time.
        at_once, deadline = 0, time.monotonic() + 300
        while log.read_text().count(f"Kernel pool of {STEP1.name} is filled") < 2:
            assert time.monotonic() < deadline, "the pool was not refilled"
            states = [_state(base, kernel) for kernel in _kernel_ids(base) - ready]
            at_once = max(at_once, sum(state != "idle" for state in states))
            assert len(_kernel_ids(base)) <= 6, "more kernels than the pool and its viewers"
        assert len(_kernel_ids(base) - ready) == 3
        assert at_once == 1
    finally:
        context.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("ready", "words"),
    [
        (["2"], "is not STEP=N"),
        (["2=0"], "Give a whole number from 1 to 50"),
        (["2=lots"], "Give a whole number from 1 to 50"),
        (["12=3"], "names step 12"),
        (["1=50", "2=50", "3=50", "4=50"], "GB free"),
    ],
)
def test_a_ready_request_the_server_cannot_meet_is_refused_before_it_starts(
    tmp_path, ready, words, monkeypatch
):
    import collections

    from workbook.errors import ParameterError

    if words == "GB free":  # as on a machine with 4 GB free
        memory = collections.namedtuple("memory", "available")(4 * 2**30)
        monkeypatch.setattr(psutil, "virtual_memory", lambda: memory)
    with pytest.raises(ParameterError) as refused:
        serve_command(port=free_port(), site_dir=tmp_path / "site", ready=ready)
    assert refused.value.parameter == "ready" and words in str(refused.value)
    assert not (tmp_path / "site").exists()  # nothing started, nothing staged
