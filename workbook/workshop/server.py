"""Starting and stopping the participant server (``workbook workshop``).

The server opens the plan file itself and reads the ballots section on every request,
so a ballot opened or closed in a notebook is seen at once, and a restarted server
carries on with the ballots still open. It notes its address in the plan for the
facilitator's notebook, and removes the note when it stops (Ctrl+C or SIGTERM).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
from pathlib import Path

from workbook.ballots import storage
from workbook.errors import ParameterError, printable
from workbook.plan.store import PlanStore
from workbook.workshop.app import BODY_LIMIT, RATE_PER_MINUTE, make_app

DEFAULT_PORT = 8870
DEFAULT_IP = "127.0.0.1"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def check_port(ip: str, port: int) -> None:
    """Stop before starting when the port is not a port or another program listens on it."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ParameterError("port", port, "is not a TCP port", "Use a number from 1 to 65535")
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


def venue_address() -> str:
    """This computer's address on its network (the one other devices reach it by)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # No packet is sent: connecting a UDP socket only picks the outgoing interface.
            probe.connect(("10.254.254.254", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def public_url(ip: str, port: int, url: str = "") -> str:
    """The address participants open: ``url`` if given, else this machine's on ``ip``."""
    if url:
        return url.rstrip("/")
    host = venue_address() if ip in ("", "0.0.0.0", "::") else ip
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def open_plan(plan_path: str | os.PathLike | None) -> PlanStore:
    if not plan_path:
        raise ParameterError(
            "plan-path",
            "",
            "the server needs the plan whose ballots it serves",
            "Give --plan-path, e.g. output/06037/plan.sqlite",
        )
    path = Path(plan_path).expanduser()
    if not path.is_file():
        raise ParameterError(
            "plan-path",
            str(plan_path),
            "is not an existing plan file",
            "Open a ballot from a step notebook first (it creates the plan), then give "
            "that plan's path",
        )
    return PlanStore.open(path, author="workshop server")


async def serve(
    store: PlanStore,
    ip: str,
    port: int,
    url: str,
    rate_per_minute: int = RATE_PER_MINUTE,
    ready=None,
) -> None:
    """Serve until SIGINT or SIGTERM; ``ready(url)`` is called once listening."""
    from tornado.httpserver import HTTPServer

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    server = HTTPServer(
        make_app(store, rate_per_minute),
        max_body_size=BODY_LIMIT * 4,
        idle_connection_timeout=60,
        body_timeout=30,
        xheaders=False,  # the address a request came from is the socket's, not a header's
    )
    server.listen(port, ip)
    storage.note_server(store, url, os.getpid())
    try:
        if ready is not None:
            ready(url)
        await stop.wait()
    finally:
        server.stop()
        try:
            await asyncio.wait_for(server.close_all_connections(), timeout=5)
        except TimeoutError:
            pass
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        storage.forget_server(store, os.getpid())


def main_workshop(args: argparse.Namespace) -> int:
    """``workbook workshop``: serve the plan's open ballots until Ctrl+C or SIGTERM."""
    ip = args.ip or DEFAULT_IP
    port = args.port or DEFAULT_PORT
    store = open_plan(args.plan_path)
    try:
        check_port(ip, port)
        url = public_url(ip, port, getattr(args, "url", "") or "")
        rate = getattr(args, "rate_limit", None)

        def ready(address: str) -> None:
            print(printable(f"Ballots for {store.path} at {address}/"))
            if ip in ("127.0.0.1", "localhost", "::1"):
                print("  this computer only; add --ip 0.0.0.0 to let phones on this network join")
            print("  participants open the link or type the join code; stop with Ctrl+C", end="")
            print("", flush=True)

        asyncio.run(serve(store, ip, port, url, RATE_PER_MINUTE if rate is None else rate, ready))
    finally:
        store.close()
    print("Workshop server stopped.")
    return 0
