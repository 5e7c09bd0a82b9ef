"""Serve the step notebooks as read-only dashboards with Voila (``workbook serve``).

Voila runs each notebook as it is, with the empty defaults of its parameters cell. What
the server was started for reaches the kernels as environment variables, which
:func:`workbook.session.start` uses where a parameter is empty:

    WORKBOOK_JURISDICTION   the jurisdiction's key
    WORKBOOK_DATA_DIR       the data folder (the variable the data layer already reads)
    WORKBOOK_PLAN_PATH      the coalition's plan file

They are fixed when the server starts, which pre-heated kernels need: they run the
notebook before anybody asks for it. View mode is not one of them: the serving
configuration (``workbook/serve/config/voila.py``) gives every kernel ``WORKBOOK_READ_ONLY=1``
through :class:`DashboardKernelManager`, whatever the environment or the URL says.

The server sees a private copy of the step notebooks only, so nothing else in the
notebooks folder (executed copies, plan files) can be rendered or listed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from workbook.data.dataset import find_jurisdiction
from workbook.data.sources import ENV_DATA_DIR, ENV_DATA_GIVEN, PROJECT_ROOT
from workbook.display.headers import for_host
from workbook.errors import ParameterError
from workbook.serve import widgets
from workbook.session import JURISDICTION_ENV, PLAN_PATH_ENV
from workbook.steps import registry
from workbook.steps.registry import NOTEBOOKS_DIR

SERVING_DIR = Path(__file__).resolve().parent / "config"
CONFIG_FILE = SERVING_DIR / "voila.py"
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "display" / "templates" / "jupyter"
DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
# How many kernels each step keeps ready beyond the usual one (``--ready STEP=N``), for
# config/voila.py: a JSON object, notebook file name -> pool size.
READY_ENV = "WORKBOOK_READY_KERNELS"
MAX_READY = 50
KERNEL_MB = 250  # what one dashboard kernel holds with the real data loaded (bench/viewers.py)


def stage_notebooks(notebooks_dir: Path, site_dir: Path, place: str | None = None) -> list[Path]:
    """Copy the step notebooks (``NN_name.ipynb``) of ``notebooks_dir`` into ``site_dir``,
    as pages for readers: titled with the step and ``place``, without editing-only cells
    (:mod:`workbook.display.pages`)."""
    import nbformat

    from workbook.display.pages import for_readers, page_title

    steps = registry.notebooks(notebooks_dir)
    if not steps:
        raise ParameterError(
            "notebooks_dir",
            str(notebooks_dir),
            "holds no step notebook (01_name.ipynb, ...)",
            "Give the project's notebooks folder",
        )
    site_dir.mkdir(parents=True, exist_ok=True)
    staged = []
    for number, path in steps.items():
        title = page_title(number, registry.step(number).title, place)
        nb = for_readers(nbformat.read(path, as_version=4), title)
        nbformat.write(nb, site_dir / path.name)
        staged.append(site_dir / path.name)
    return staged


def _default_plan(key: str) -> Path | None:
    """``workbook run``'s plan for this jurisdiction, if there is one."""
    candidate = (Path("output") / key / "plan.sqlite").resolve()
    return candidate if candidate.is_file() else None


def _check_plan(path: Path) -> None:
    """Refuse, with the store's own message, a file that is not a plan the dashboards can read."""
    from workbook.plan.store import PlanStore

    PlanStore.open(path, read_only=True).close()


def _check_port_free(ip: str, port: int) -> None:
    """Stop before Voila starts when another program already listens on the port."""
    import socket

    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as error:
            raise ParameterError(
                "port",
                port,
                f"cannot be used on {ip} ({error.strerror})",
                "Stop the program using it, or choose another with --port",
            ) from None


def parse_ready(values: object) -> dict[int, int]:
    """``["2=20"]`` (or ``{2: 20}``) -> ``{2: 20}``: kernels each step keeps ready.

    A city that sends its Step 2 link to a council expects many people to open it within
    the same minute; each pre-heated kernel has already run the notebook, so its viewer
    gets the page at once instead of waiting for a kernel to run it.
    """
    if not values:
        return {}
    pairs = values.items() if isinstance(values, dict) else []
    if not isinstance(values, dict):
        for value in values:
            step, sep, count = str(value).partition("=")
            if not sep:
                raise ParameterError(
                    "ready", value, "is not STEP=N", "Write the step and a number: --ready 2=20"
                )
            pairs.append((step.strip(), count.strip()))
    ready = {}
    for step, count in pairs:
        try:
            entry = registry.step(step)
        except ParameterError as error:
            raise ParameterError(
                "ready",
                f"{step}={count}",
                f"names step {step}, which {error.problem}",
                error.fix,
            ) from None
        try:
            number = int(count)
        except ValueError:
            number = 0
        if not 1 <= number <= MAX_READY:
            raise ParameterError(
                "ready",
                f"{step}={count}",
                f"asks for {count} kernels",
                f"Give a whole number from 1 to {MAX_READY}",
            )
        ready[entry.number] = number
    return ready


def _check_memory_for(ready: dict[int, int], steps: int) -> None:
    """Refuse a pool the machine cannot hold, before anything starts."""
    import psutil

    kernels = steps + sum(count - 1 for count in ready.values())
    needed = kernels * KERNEL_MB
    available = psutil.virtual_memory().available / 2**20
    if needed > available:
        raise ParameterError(
            "ready",
            ", ".join(f"{step}={count}" for step, count in ready.items()),
            f"needs about {needed / 1024:.1f} GB for {kernels} waiting kernels "
            f"(about {KERNEL_MB} MB each) and this machine has {available / 1024:.1f} GB free",
            "Ask for fewer kernels, or share the published pages (workbook publish) with a "
            "large audience",
        )


def serve_command(
    plan_path: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    jurisdiction: object = None,
    port: int = DEFAULT_PORT,
    ip: str = DEFAULT_IP,
    notebooks_dir: str | os.PathLike = NOTEBOOKS_DIR,
    site_dir: str | os.PathLike | None = None,
    ready: object = None,
) -> tuple[list[str], dict[str, str]]:
    """The Voila command line and its environment; parameters are checked first.

    The step notebooks are copied to ``site_dir`` (a new temporary folder if not given),
    which Voila serves: ``/`` lists the steps, ``/voila/render/02_...ipynb`` shows one.
    ``ready`` (``{2: 20}`` or ``["2=20"]``) keeps that many kernels of a step ready.
    Raises a WorkbookError on bad input, before anything starts.
    """
    from workbook.data.dataset import open_dataset

    ready = parse_ready(ready)

    data = open_dataset(str(data_dir) if data_dir else None)
    place = find_jurisdiction(data, jurisdiction)
    if plan_path:
        plan = Path(plan_path).expanduser().resolve()
        if not plan.is_file():
            raise ParameterError(
                "plan_path",
                str(plan_path),
                "is not an existing plan file",
                "Dashboards show a plan made with the notebooks or 'workbook run': give its "
                "path, or leave it out to show the data alone",
            )
    else:
        plan = _default_plan(place.key)
    if plan is not None:
        _check_plan(plan)
    if not 0 < int(port) < 65536:
        raise ParameterError("port", port, "is not a TCP port", "Use a number from 1 to 65535")
    _check_port_free(ip, int(port))

    if ready:
        _check_memory_for(ready, len(registry.notebooks(Path(notebooks_dir))))

    site = Path(site_dir) if site_dir else Path(tempfile.mkdtemp(prefix="workbook-dashboards-"))
    stage_notebooks(Path(notebooks_dir), site, place.label)

    env = dict(os.environ)
    env[JURISDICTION_ENV] = place.key
    env.pop(PLAN_PATH_ENV, None)
    if plan is not None:
        env[PLAN_PATH_ENV] = str(plan)
    # Kernels find imported data, the sample or the user's own $WORKBOOK_DATA_DIR without
    # help; only a --data-dir folder is handed on, marked so the header says where it came from.
    env.pop(ENV_DATA_GIVEN, None)
    if data.source.origin == "parameter":
        env[ENV_DATA_DIR] = str(data.source.path.resolve())
        env[ENV_DATA_GIVEN] = "1"
    env.pop("WORKBOOK_BATCH", None)  # live widgets: a dashboard is not an unattended run
    env.pop(READY_ENV, None)
    if ready:
        env[READY_ENV] = json.dumps(
            {registry.step(step).notebook: count for step, count in ready.items()}
        )
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(TEMPLATES_DIR), *[p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]]
    )
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]]
    )
    command = [
        sys.executable,
        "-m",
        "workbook.serve.server",
        str(site),
        f"--Voila.config_file_paths={SERVING_DIR}",
        f"--Voila.port={int(port)}",
        f"--Voila.ip={ip}",
        "--Voila.open_browser=False",
    ]
    return command, env


class StopServing(Exception):
    """A stop signal (SIGTERM, SIGHUP) arrived: stop as Ctrl+C does."""


# Ctrl+C (SIGINT) arrives as KeyboardInterrupt; a service manager sends SIGTERM, and a
# closed terminal SIGHUP.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
STOP_TIMEOUT = 30  # seconds Voila gets to shut its kernels down before it is killed


def _stop_on_signal(signum, frame) -> None:
    raise StopServing(signal.Signals(signum).name)


def _stop(process: subprocess.Popen) -> None:
    """Stop Voila and wait until it has shut its kernels down (kill it after STOP_TIMEOUT).

    Kernels run in sessions of their own: if Voila had to be killed before it shut them
    down, they are ended here, so that nothing keeps serving the plan.
    """
    import psutil

    try:
        kernels = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        kernels = []
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    left = [k for k in kernels if k.is_running()]
    for kernel in left:
        with contextlib.suppress(psutil.Error):
            kernel.terminate()
    _, alive = psutil.wait_procs(left, timeout=5)
    for kernel in alive:
        with contextlib.suppress(psutil.Error):
            kernel.kill()


def main_serve(args: argparse.Namespace) -> int:
    """``workbook serve``: run the dashboards until Ctrl+C, SIGTERM or SIGHUP."""
    previous = {sig: signal.signal(sig, _stop_on_signal) for sig in STOP_SIGNALS}
    site = Path(tempfile.mkdtemp(prefix="workbook-dashboards-"))
    process = None
    try:
        command, env = serve_command(
            plan_path=args.plan_path or None,
            data_dir=args.data_dir or None,
            jurisdiction=args.jurisdiction or None,
            port=args.port or DEFAULT_PORT,
            ip=args.ip or DEFAULT_IP,
            site_dir=site,
            ready=getattr(args, "ready", None),
        )
        if getattr(args, "open_browser", False):
            command[-1] = "--Voila.open_browser=True"
        host = "localhost" if args.ip in ("", "0.0.0.0", "::") else (args.ip or DEFAULT_IP)
        url = f"http://{host}:{args.port or DEFAULT_PORT}/"
        print(f"Dashboards for {env[JURISDICTION_ENV]} at {url}")
        print(f"  plan: {env.get(PLAN_PATH_ENV, 'none (the data alone)')}")
        if not widgets.labextensions():
            print(
                "  note: the widgets front end built for Voila's page is not installed, so "
                "each page's browser console shows version warnings; run "
                f"`{widgets.INSTALL_HINT}`"
            )
        print("  read-only; stop with Ctrl+C", flush=True)
        # Voila runs in its own session: a terminal's signals reach this process only,
        # which stops Voila on purpose (Voila then shuts every kernel down, pool included).
        process = subprocess.Popen(command, env=env, start_new_session=True)
        code = process.wait()
    except (KeyboardInterrupt, StopServing):
        if process is not None:
            _stop(process)
        code = 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(site, ignore_errors=True)
    print("Dashboards stopped.")
    return code


def step_titles(site_dir: str | os.PathLike) -> dict[str, str]:
    """File name -> "Step 2: Use the Mobility Metrics", for the index page."""
    return {
        path.name: f"Step {number}: {registry.step(number).title}"
        for number, path in registry.notebooks(Path(site_dir)).items()
    }


def page_config(config: dict, **kwargs) -> dict:
    """Voila's page_config_hook: the steps' titles, for the index page."""
    if "workbookSteps" not in config:
        config["workbookSteps"] = step_titles(kwargs["settings"]["contents_manager"].root_dir)
    return config


def _kernel_manager_class():
    """Voila's kernel manager for dashboards: fixed environment, and no kernels left to pile up."""
    import time
    from datetime import UTC, datetime

    import tornado.web
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets import Dict, Float, Int, Unicode

    class DashboardKernelManager(AsyncMappingKernelManager):
        """Kernels for dashboards.

        - ``kernel_env`` wins over the server's environment: pre-heated and on-demand
          kernels both start here, so nothing a viewer sends can change it.
        - A kernel whose page never connected to it (a link preview, a crawler, ``curl``)
          is shut down ``never_connected_timeout`` seconds after it last did anything,
          instead of the half hour an abandoned browser tab gets.
        - At most ``max_kernels`` kernels: beyond that, never-connected kernels are
          shut down at once, oldest first, and if none is left a viewer is told that the
          server is busy (HTTP 503) instead of the machine running out of memory.
        """

        kernel_env = Dict(
            value_trait=Unicode(),
            default_value={},
            config=True,
            help="Environment variables every kernel gets, e.g. WORKBOOK_READ_ONLY=1",
        )
        never_connected_timeout = Float(
            120.0,
            config=True,
            help="Idle seconds before a kernel that no page ever connected to is shut down",
        )
        max_kernels = Int(
            16, config=True, help="Most kernels running at once (pre-heated ones included)"
        )
        refill_after = Float(
            5.0,
            config=True,
            help="Seconds without a viewer taking a pre-heated kernel before the pools are "
            "refilled (one kernel at a time): a crowd's pages are served first",
        )
        refill_wait_most = Float(
            60.0,
            config=True,
            help="Most seconds a refill waits for viewers to stop arriving",
        )
        reclaim_grace = Float(
            20.0,
            config=True,
            help="Seconds a new kernel is safe from being shut down to make room (its page "
            "may still be arriving, or a pool may be filling it)",
        )

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._connected_once: set[str] = set()
            self._started_at: dict[str, float] = {}

        async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
            if len(self._kernels) >= self.max_kernels:
                await self._reclaim(len(self._kernels) - self.max_kernels + 1)
            if len(self._kernels) >= self.max_kernels:
                raise tornado.web.HTTPError(
                    503, reason="Too many dashboards are open; try again in a few minutes"
                )
            env = dict(kwargs.pop("env", None) or os.environ)
            env.update(self.kernel_env)
            kernel_id = await super().start_kernel(
                kernel_id=kernel_id, path=path, env=env, **kwargs
            )
            self._started_at[kernel_id] = time.monotonic()
            return kernel_id

        def notify_connect(self, kernel_id):
            self._connected_once.add(kernel_id)
            return super().notify_connect(kernel_id)

        def remove_kernel(self, kernel_id):
            self._connected_once.discard(kernel_id)
            self._started_at.pop(kernel_id, None)
            return super().remove_kernel(kernel_id)

        def _in_pool(self, kernel_id: str) -> bool:
            """Pre-heated kernels wait in Voila's pools for the next viewer: never culled."""
            for pool in getattr(self, "_pools", {}).values():
                for future in pool:
                    if not future.done() or future.cancelled() or future.exception():
                        continue
                    if future.result().get("kernel_id") == kernel_id:
                        return True
            return False

        def _never_connected(self) -> list[str]:
            """Idle kernels no page has connected to, oldest first.

            Kernels younger than ``reclaim_grace`` are left alone: a pool is still
            filling them, or a viewer's page is still arriving.
            """
            now = time.monotonic()
            candidates = [
                k
                for k, kernel in self._kernels.items()
                if k not in self._connected_once
                and now - self._started_at.get(k, now) >= self.reclaim_grace
                and getattr(kernel, "execution_state", "") != "busy"
                and not self._in_pool(k)
            ]
            return sorted(candidates, key=lambda k: self._started_at.get(k, 0.0))

        async def _reclaim(self, how_many: int) -> None:
            for kernel_id in self._never_connected()[:how_many]:
                self.log.warning("Shutting down kernel %s: no page ever connected to it", kernel_id)
                await self.shutdown_kernel(kernel_id)

        async def cull_kernel_if_idle(self, kernel_id):
            kernel = self._kernels.get(kernel_id)
            last = getattr(kernel, "last_activity", None)
            if (
                kernel is not None
                and last is not None
                and kernel_id not in self._connected_once
                and getattr(kernel, "execution_state", "") != "busy"
                and not self._in_pool(kernel_id)
            ):
                idle = (datetime.now(UTC) - last).total_seconds()
                if idle > self.never_connected_timeout:
                    self.log.warning(
                        "Culling kernel %s: no page connected to it in %d s", kernel_id, idle
                    )
                    await self.shutdown_kernel(kernel_id)
                    return
            return await super().cull_kernel_if_idle(kernel_id)

    DashboardKernelManager.__module__ = __name__
    return DashboardKernelManager


def __getattr__(name: str):
    # Built on first use, so that kernels importing served_defaults do not load the
    # Jupyter server; Voila finds the class by name from the serving configuration.
    if name == "DashboardKernelManager":
        cls = _kernel_manager_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _paced_pools(manager_class):
    """Voila's pre-heating kernel manager, refilling its pools after a crowd, not during it.

    Voila starts a new kernel (which runs the whole notebook) one second after each viewer
    takes a pre-heated one. When twenty viewers open a shared link together, twenty
    kernels would run Step 2 on the server's cores while the twenty pages are being
    served, and every page waits for them. Here a refill waits until no viewer has taken a
    kernel for ``refill_after`` seconds (at most ``refill_wait_most``), then starts one
    kernel at a time and lets it run its notebook before the next: a core stays free for
    the viewers. A viewer who finds the pool empty meanwhile gets a kernel started for
    them, as Voila does. The first fill, when the server starts, is Voila's own.
    """
    import asyncio
    import time

    class PacedKernelManager(manager_class):
        def __init__(self, **kwargs):
            self._start_kwargs: dict[str, dict] = {}  # what Voila starts a pool's kernel with
            self._first_taken: float | None = None  # of the viewers a refill waits for
            self._last_taken = 0.0
            self._refiller: asyncio.Task | None = None
            super().__init__(**kwargs)

        def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
            if delay is not None:  # the first fill
                return super().fill_if_needed(delay, notebook_name, **kwargs)
            # A viewer took a kernel (Voila calls this with no delay then).
            now = time.monotonic()
            self._last_taken = now
            self._first_taken = self._first_taken or now
            if self._refiller is None or self._refiller.done():
                self._refiller = asyncio.ensure_future(self._refill())
            return None

        async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
            if kernel_id is None:
                self._start_kwargs[notebook_path] = kwargs
            return await super()._initialize(notebook_path, kernel_id, **kwargs)

        def _wanted(self, notebook: str) -> int:
            default = self.kernel_pools_config.get("default", {})
            config = self.kernel_pools_config.get(notebook, default)
            return config.get("pool_size", default.get("pool_size", 1))

        async def _quiet(self) -> None:
            """Until no viewer took a kernel for ``refill_after`` s, or waited long enough."""
            while True:
                now = time.monotonic()
                quiet_at = self._last_taken + self.refill_after
                latest = (self._first_taken or now) + self.refill_wait_most
                if now >= min(quiet_at, latest):
                    self._first_taken = None
                    return
                await asyncio.sleep(min(quiet_at, latest) - now)

        async def _refill(self) -> None:
            while True:
                await self._quiet()
                short = {
                    notebook: self._wanted(notebook) - len(self._pools.get(notebook, []))
                    for notebook in self._start_kwargs
                }
                notebook, missing = max(short.items(), key=lambda item: item[1], default=("", 0))
                if missing <= 0:
                    return
                pool = self._pools.setdefault(notebook, [])
                task = asyncio.ensure_future(
                    self._initialize(notebook, None, **self._start_kwargs[notebook])
                )
                pool.append(task)
                try:
                    content = await task
                    await content["task"]  # the notebook has run: the next may start
                except Exception as error:  # e.g. at the kernel limit while viewers stay
                    if task in pool:
                        pool.remove(task)
                    self.log.warning(
                        "Refilling the pool of %s failed (%s); trying again in %.0f s",
                        notebook,
                        error,
                        self.refill_wait_most,
                    )
                    await asyncio.sleep(self.refill_wait_most)
                    continue
                if len(self._pools.get(notebook, [])) >= self._wanted(notebook):
                    self.log.info(
                        "Kernel pool of %s is filled with %s kernel(s)",
                        notebook,
                        self._wanted(notebook),
                    )

        async def shutdown_all(self, *args, **kwargs):
            if self._refiller is not None:
                self._refiller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._refiller
            return await super().shutdown_all(*args, **kwargs)

    return PacedKernelManager


def _security_headers_transform(headers: dict[str, str]):
    """A tornado output transform that puts ``headers`` on every response, errors included.

    Jupyter's handlers add the configured headers themselves, but tornado's own error
    pages (404 for an unknown path, 403 from the file handlers) do not. ``{host}`` in a
    value becomes the host the viewer asked for, so that ``connect-src`` allows
    websockets to this server only.
    """
    import tornado.web

    class SecurityHeaders(tornado.web.OutputTransform):
        def __init__(self, request):
            self._host = request.host or ""

        def transform_first_chunk(self, status_code, response_headers, chunk, finishing):
            for name, value in headers.items():
                response_headers[name] = for_host(value, self._host)
            return status_code, response_headers, chunk

    return SecurityHeaders


def _voila_class():
    """Voila's server with four changes for dashboards.

    - No ``/voila/api/contents``: it only feeds JupyterLab's file browser, which the
      workbook template replaces by its own index; without it no URL describes the folder.
    - Template static files answer 404 to malformed paths (Voila answers 500).
    - A dashboard page sets the ``_xsrf`` cookie. Voila's page asks the server to shut its
      kernel down when the viewer leaves, and that request needs the cookie; a viewer who
      opened the page directly (a link, a bookmark) had none, so the request was refused
      and the kernel left running until culled.
    - Pools of pre-heated kernels refill after a crowd of viewers, one kernel at a time
      (:func:`_paced_pools`).
    """
    import tornado.web
    from voila.app import Voila
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.handler import TornadoVoilaHandler

    class StrictTemplateStaticFileHandler(TemplateStaticFileHandler):
        def parse_url_path(self, path):
            parts = os.path.normpath(path).split(os.path.sep)
            if len(parts) < 3 or parts[1] != "static" or ".." in parts:
                raise tornado.web.HTTPError(404)
            return super().parse_url_path(path)

    class DashboardPageHandler(TornadoVoilaHandler):
        async def prepare(self, **kwargs):
            await super().prepare(**kwargs)
            self.xsrf_token  # noqa: B018 - reading it sets the cookie

    replaced = {
        TemplateStaticFileHandler: StrictTemplateStaticFileHandler,
        TornadoVoilaHandler: DashboardPageHandler,
    }

    class DashboardVoila(Voila):
        def init_settings(self):
            # Voila builds its pre-heating kernel manager here, from a factory it imports
            # by name; the pools it builds refill as _paced_pools says.
            import voila.app

            build = voila.app.voila_kernel_manager_factory
            voila.app.voila_kernel_manager_factory = lambda *a, **k: _paced_pools(build(*a, **k))
            try:
                settings = super().init_settings()
            finally:
                voila.app.voila_kernel_manager_factory = build
            headers = dict(self.tornado_settings.get("headers", {}))
            settings["transforms"] = [_security_headers_transform(headers)]
            return settings

        def init_handlers(self):
            return [
                (rule[0], replaced.get(rule[1], rule[1]), *rule[2:])
                for rule in super().init_handlers()
                if rule[1] is not VoilaContentsHandler
            ]

    return DashboardVoila


if __name__ == "__main__":
    _voila_class().launch_instance()
