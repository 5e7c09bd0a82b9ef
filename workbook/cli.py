"""The ``workbook`` command: run step notebooks, serve them as dashboards, manage the data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbook.errors import ParameterError, WorkbookError, printable


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jurisdiction",
        "-j",
        default="",
        help="FIPS key (e.g. 06037) or name (e.g. 'Cook County, Illinois'); "
        "default: the sample's county",
    )
    parser.add_argument("--data-dir", default="", help="folder of Mobility Metrics files")
    parser.add_argument("--plan-path", default="", help="the coalition's plan file")
    parser.add_argument(
        "--output-dir", default="", help="where executed notebooks go (default output/<key>)"
    )
    parser.add_argument("--steps", default="all", help="steps to run: all, 2, 1-3 or 1,3")
    parser.add_argument(
        "--peers", default="", help="Step 2: the coalition's own peers, keys separated by commas"
    )
    parser.add_argument("--no-html", action="store_true", help="skip the offline HTML copies")


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``workbook batch`` (for :func:`main_batch`)."""
    from workbook.run.batch import DEFAULT_OUTPUT, MODES

    parser.add_argument(
        "targets",
        nargs="+",
        help="FIPS keys or names, state:06 (its counties; state:06:cities, state:CA:all), "
        "all-counties, all-cities, or a list file (@keys.txt, one per line)",
    )
    parser.add_argument("--data-dir", default="", help="folder of Mobility Metrics files")
    parser.add_argument(
        "--output-dir", default="", help=f"where the outputs go (default {DEFAULT_OUTPUT})"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="local worker processes (default: one per core)"
    )
    parser.add_argument(
        "--no-resume", action="store_true", help="redo jurisdictions that are already finished"
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="fast",
        help="fast: in-process reports (default); papermill: the Step 2 notebook each",
    )
    parser.add_argument(
        "--scheduler", default="", help="run on this Dask cluster, e.g. tcp://127.0.0.1:8786"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook",
        description="Mobility Action Planning workbook: run the step notebooks for a "
        "jurisdiction and manage the Mobility Metrics data.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="execute step notebooks for one jurisdiction")
    _add_run_options(run)

    batch = commands.add_parser(
        "batch", help="Step 2's comparison and report for many jurisdictions, in parallel"
    )
    add_batch_arguments(batch)

    serve = commands.add_parser(
        "serve", help="show the step notebooks as read-only dashboards (Voila) for a plan"
    )
    serve.add_argument(
        "--jurisdiction",
        "-j",
        default="",
        help="FIPS key or name of the place the dashboards show; default: the sample's county",
    )
    serve.add_argument("--data-dir", default="", help="folder of Mobility Metrics files")
    serve.add_argument(
        "--plan-path",
        default="",
        help="the coalition's plan file (default: output/<key>/plan.sqlite if it exists)",
    )
    serve.add_argument("--port", type=int, default=8866, help="TCP port (default 8866)")
    serve.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for all)",
    )
    serve.add_argument("--open-browser", action="store_true", help="open the index page")
    serve.add_argument(
        "--ready",
        action="append",
        metavar="STEP=N",
        help="keep N kernels of a step ready for an audience opening it at once "
        "(e.g. --ready 2=20; about 250 MB each); repeat for more steps",
    )

    _add_workshop_command(commands)

    data = commands.add_parser("data", help="import or describe Mobility Metrics files")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    imp = data_commands.add_parser(
        "import", help="check a folder of downloaded official files and store a fast copy"
    )
    imp.add_argument("folder", help="folder holding the downloaded CSV files")
    imp.add_argument("--release", default=None, help="label for this release, e.g. '2025'")
    imp.add_argument(
        "--renamed", action="append", default=[], metavar="OLD=NEW",
        help="a column the new release renamed, for the what-changed report (repeatable)",
    )  # fmt: skip
    changes = data_commands.add_parser(
        "changes", help="what changed between two kept releases (summary, and a CSV table)"
    )
    changes.add_argument("old", help="the earlier release, e.g. 2025")
    changes.add_argument("new", help="the later release, e.g. 2026")
    changes.add_argument("--csv", default="", help="write every change to this CSV file")
    changes.add_argument(
        "--renamed", action="append", default=[], metavar="OLD=NEW",
        help="a column the new release renamed (repeatable)",
    )  # fmt: skip
    describe = data_commands.add_parser("describe", help="what the data in use holds")
    describe.add_argument("--data-dir", default="", help="folder of Mobility Metrics files")
    data_commands.add_parser("sample", help="regenerate the bundled synthetic sample")

    _add_map_command(commands)
    _add_publish_command(commands)

    plan = commands.add_parser("plan", help="look after a coalition's plan file")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True)
    backup = plan_commands.add_parser(
        "backup", help="copy a plan safely, even while notebooks are saving to it"
    )
    backup.add_argument("plan", help="the plan file, e.g. output/06037/plan.sqlite")
    backup.add_argument("copy", help="the new file to write, e.g. plan-2025-03-01.sqlite")
    backup.add_argument("--force", action="store_true", help="replace COPY if it exists")
    load = plan_commands.add_parser(
        "import", help="make a plan file from a JSON export (e.g. the example plan)"
    )
    load.add_argument("export", help="a JSON export, e.g. data/examples/sample_plan.json")
    load.add_argument("plan", help="the plan file to create; an existing one is never replaced")

    export = commands.add_parser("export", help="write the offline HTML copy of a notebook")
    export.add_argument("notebook")
    export.add_argument("html", nargs="?")
    export.add_argument("--show-code", action="store_true")
    return parser


def _add_workshop_command(commands) -> None:
    workshop = commands.add_parser(
        "workshop", help="serve a plan's open ballots to the phones in the room"
    )
    workshop.add_argument("--plan-path", default="", help="the coalition's plan file")
    workshop.add_argument("--port", type=int, default=8870, help="TCP port (default 8870)")
    workshop.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for the "
        "venue's network)",
    )
    workshop.add_argument(
        "--url", default="", help="the address participants use, if not this machine's own"
    )
    workshop.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        help="requests one device may make per minute (default 240; 0 for no limit)",
    )


MAP_FORMATS = ("html", "docx", "pdf")


def _add_map_command(commands) -> None:
    build = commands.add_parser(
        "map", help="write the Mobility Action Plan (HTML, Word, PDF) from a coalition's plan"
    )
    build.add_argument("--plan-path", default="", help="the coalition's plan file")
    build.add_argument(
        "--jurisdiction",
        "-j",
        default="",
        help="FIPS key or name; default: the place the plan's Step 2 was done for",
    )
    build.add_argument("--data-dir", default="", help="folder of Mobility Metrics files")
    build.add_argument(
        "--output-dir", default="", help="where the documents go (default: the plan's folder)"
    )
    build.add_argument(
        "--format",
        default=",".join(MAP_FORMATS),
        help="formats to write, separated by commas (default: html,docx,pdf)",
    )
    build.add_argument(
        "--final",
        action="store_true",
        help="the released version: refused while any part is empty; frozen once recorded",
    )


def _add_publish_command(commands) -> None:
    site = commands.add_parser(
        "publish",
        help="write the plan and its dashboards as a static site, with no private data",
    )
    site.add_argument("--plan-path", default="", help="the coalition's plan file")
    site.add_argument(
        "--output-dir", default="", help="the site's folder: new, empty or an earlier site"
    )
    site.add_argument(
        "--jurisdiction",
        "-j",
        default="",
        help="FIPS key or name; default: the place the plan's Step 2 was done for",
    )
    site.add_argument("--data-dir", default="", help="folder of Mobility Metrics files")
    site.add_argument(
        "--force",
        action="store_true",
        help="write into a folder that holds other files (they stay, and would be posted too)",
    )


def _publish(args: argparse.Namespace) -> int:
    """Check the parameters, then build the site; the plan itself is only read."""
    from workbook.run.publish import check_publish, publish

    site = check_publish(
        args.plan_path, args.output_dir, args.jurisdiction, args.data_dir, force=args.force
    )
    print(printable(f"Publishing the plan for {site.place} to {site.output_dir}"))
    result = publish(site, log=lambda line: print(f"  {line}"))
    made = result.map
    print(printable(f"\nDone in {result.seconds:.0f} s. Open {result.folder / 'index.html'}"))
    print(f"  {len(result.pages)} step pages, MAP version {made.version} ({made.status})")
    if made.note:
        print(f"  {made.note}")
    print("  Post the whole folder on any static web host; it holds no private data.")
    return 0


def map_formats(text: str) -> list[str]:
    """The formats asked for, checked: 'html,pdf' -> ['html', 'pdf']."""
    from workbook.errors import ParameterError

    chosen = list(dict.fromkeys(f.strip().lower() for f in str(text).split(",") if f.strip()))
    unknown = [f for f in chosen if f not in MAP_FORMATS]
    if unknown or not chosen:
        raise ParameterError(
            "format",
            text,
            f"unknown format '{unknown[0]}'" if unknown else "no format given",
            f"Use {', '.join(MAP_FORMATS)}, separated by commas (e.g. --format html,pdf)",
        )
    return chosen


def _map(args: argparse.Namespace) -> int:
    """Check the parameters, build the MAP, write it, then record the version in the plan."""
    from workbook.errors import ParameterError
    from workbook.map.build import build_document, plan_file
    from workbook.map.errors import MapError
    from workbook.map.versions import record
    from workbook.plan.store import PlanStore
    from workbook.session import remembered_author

    formats = map_formats(args.format)
    plan = plan_file(args.plan_path)
    folder = Path(args.output_dir) if args.output_dir else plan.parent
    if folder.exists() and not folder.is_dir():
        raise ParameterError(
            "output-dir", str(folder), "is a file, not a folder", "Give a folder for the documents"
        )
    doc = build_document(plan, args.jurisdiction or None, args.data_dir or None, args.final)
    try:
        from workbook.map.render import render
    except ImportError:
        raise MapError(
            "the document renderers (workbook.map.render) are not part of this copy of the "
            "workbook. Fix: update the workbook; the plan was not changed"
        ) from None
    written = render(doc, folder, formats)
    # Recorded once the files exist, so a final version is never frozen without them.
    with PlanStore.open(plan, author=remembered_author()) as store:
        version = record(store, doc, list(written), who=remembered_author())
    print(f"Mobility Action Plan for {doc.subtitle}: version {version.number} ({doc.status})")
    for name, path in written.items():
        print(f"  {name}: {path}")
    if doc.gaps:
        print(f"{len(doc.gaps)} parts are still empty; each is marked in the document.")
    return 0


def _run(args: argparse.Namespace) -> int:
    from workbook.run.runner import environment_for_kernels, execute, plan_run

    plan = plan_run(
        args.jurisdiction,
        args.data_dir,
        args.plan_path,
        args.output_dir,
        args.steps,
        peers=args.peers,
    )
    environment_for_kernels()
    print(f"Running step(s) {', '.join(map(str, plan.steps))} for {plan.label}")
    results = execute(plan, html=not args.no_html)
    print(f"\nDone. Output folder: {plan.output_dir}")
    for result in results:
        page = f"  (HTML: {result.html.name})" if result.html else ""
        print(f"  step {result.step}: {result.notebook.name}{page}  {result.seconds:.1f} s")
    return 0


def _print_releases() -> None:
    from workbook.data.sources import list_releases

    kept = list_releases()
    if not kept:
        return
    print(f"Releases kept side by side ({len(kept)}):")
    for m in kept:
        years = m.get("years") or []
        span = f"years {years[0]}-{years[-1]}" if years else "no years"
        print(f"  {m['release']}: {span}, imported {str(m.get('imported_at', ''))[:10]}")


def _renames(pairs: list[str]) -> dict[str, str]:
    renames = {}
    for pair in pairs:
        old, _, new = pair.partition("=")
        if not (old.strip() and new.strip()):
            raise ParameterError(
                "renamed", pair, "is not of the form OLD=NEW", "e.g. --renamed share_employed="
                "share_employed_adults",
            )  # fmt: skip
        renames[old.strip()] = new.strip()
    return renames


def _print_release_changes(old: str, new: str, renamed=(), csv: str = "") -> None:
    from workbook.analysis import releases
    from workbook.data.dataset import open_release

    changes = releases.compare_releases(
        releases.tables_of(open_release(old)),
        releases.tables_of(open_release(new)),
        _renames(list(renamed)),
    )
    print(f"What changed from release {old} to release {new}:")
    for line in releases.summary(changes, f"release {old}", f"release {new}"):
        print(f"  {printable(line)}")  # column names come from the files: no control codes
    if csv:
        changes.to_csv(csv, index=False)
        print(f"Every change, one row each: {csv}")


def _data(args: argparse.Namespace) -> int:
    if args.data_command == "import":
        from workbook.data.importer import import_folder
        from workbook.data.sources import import_release, imported_dir, list_releases

        if args.release is None:
            report = import_folder(Path(args.folder), imported_dir(), release=args.release)
        else:
            earlier = list_releases()
            report = import_release(Path(args.folder), args.release)
            if earlier:
                latest = report.manifest["release"]
                _print_release_changes(earlier[-1]["release"], latest, args.renamed)
        print(report.describe())
        print("Notebooks and the workbook command now use this data when no data_dir is given.")
        return 0
    if args.data_command == "changes":
        _print_release_changes(args.old, args.new, args.renamed, args.csv)
        return 0
    if args.data_command == "describe":
        from workbook.data.dataset import open_dataset
        from workbook.data.importer import ImportReport

        data = open_dataset(args.data_dir or None)
        print(f"Using: {data.source.path} ({data.source.explanation})")
        print(ImportReport(data.folder, data.manifest).describe())
        _print_releases()
        return 0
    from workbook.data.sample import main as make_sample

    return make_sample([])


def main_batch(args: argparse.Namespace) -> int:
    """``workbook batch``: 0 when every jurisdiction succeeded, 1 if some failed, 2 on bad
    parameters (nothing run), 130 when interrupted (run again to resume)."""
    from workbook.run.batch import run_batch

    try:
        summary = run_batch(
            list(args.targets),
            data_dir=args.data_dir or None,
            output_dir=args.output_dir or None,
            workers=args.workers,
            resume=not args.no_resume,
            mode=args.mode or "fast",
            scheduler=args.scheduler or None,
            progress=not getattr(args, "no_progress", False),
        )
    except WorkbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    return 0 if summary.ok else 1


def _plan(args: argparse.Namespace) -> int:
    if args.plan_command == "import":
        from workbook.plan.store import import_plan

        made = import_plan(args.export, args.plan)
        print(printable(f"Made {made} from {args.export}."))
        return 0
    from workbook.plan.backup import backup_plan

    copy = backup_plan(args.plan, args.copy, force=args.force)
    print(printable(f"Backed up {args.plan} to {copy.resolve()} (checked: it opens as a plan)."))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "data":
            return _data(args)
        if args.command == "plan":
            return _plan(args)
        if args.command == "serve":
            from workbook.serve.server import main_serve

            return main_serve(args)
        if args.command == "workshop":
            from workbook.workshop.server import main_workshop

            return main_workshop(args)
        if args.command == "map":
            return _map(args)
        if args.command == "publish":
            return _publish(args)
        if args.command == "batch":
            return main_batch(args)
        from workbook.display.export import export_html

        target = Path(args.html) if args.html else Path(args.notebook).with_suffix(".html")
        print(export_html(Path(args.notebook), target, show_code=args.show_code))
        return 0
    except KeyboardInterrupt:
        print("stopped by Ctrl+C", file=sys.stderr)
        return INTERRUPTED
    except WorkbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return INTERRUPTED if _interrupted(exc) else 2


# A command stopped by Ctrl+C exits as shells expect of a program ended by SIGINT.
INTERRUPTED = 130


def _interrupted(exc: WorkbookError) -> bool:
    from workbook.run.runner import RunInterrupted

    return isinstance(exc, RunInterrupted)


if __name__ == "__main__":
    sys.exit(main())
