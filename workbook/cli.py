"""The ``workbook`` command: run step notebooks, serve them as dashboards, manage the data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbook.errors import WorkbookError, printable


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbook",
        description="Mobility Action Planning workbook: run the step notebooks for a "
        "jurisdiction and manage the Mobility Metrics data.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="execute step notebooks for one jurisdiction")
    _add_run_options(run)

    from workbook.run.batch import add_batch_arguments

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

    data = commands.add_parser("data", help="import or describe Mobility Metrics files")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    imp = data_commands.add_parser(
        "import", help="check a folder of downloaded official files and store a fast copy"
    )
    imp.add_argument("folder", help="folder holding the downloaded CSV files")
    imp.add_argument("--release", default=None, help="label for this release, e.g. '2025'")
    describe = data_commands.add_parser("describe", help="what the data in use holds")
    describe.add_argument("--data-dir", default="", help="folder of Mobility Metrics files")
    data_commands.add_parser("sample", help="regenerate the bundled synthetic sample")

    plan = commands.add_parser("plan", help="look after a coalition's plan file")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True)
    backup = plan_commands.add_parser(
        "backup", help="copy a plan safely, even while notebooks are saving to it"
    )
    backup.add_argument("plan", help="the plan file, e.g. output/06037/plan.sqlite")
    backup.add_argument("copy", help="the new file to write, e.g. plan-2025-03-01.sqlite")
    backup.add_argument("--force", action="store_true", help="replace COPY if it exists")

    export = commands.add_parser("export", help="write the offline HTML copy of a notebook")
    export.add_argument("notebook")
    export.add_argument("html", nargs="?")
    export.add_argument("--show-code", action="store_true")
    return parser


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


def _data(args: argparse.Namespace) -> int:
    if args.data_command == "import":
        from workbook.data.importer import import_folder
        from workbook.data.sources import imported_dir

        report = import_folder(Path(args.folder), imported_dir(), release=args.release)
        print(report.describe())
        print("Notebooks and the workbook command now use this data when no data_dir is given.")
        return 0
    if args.data_command == "describe":
        from workbook.data.dataset import open_dataset
        from workbook.data.importer import ImportReport

        data = open_dataset(args.data_dir or None)
        print(f"Using: {data.source.path} ({data.source.explanation})")
        print(ImportReport(data.folder, data.manifest).describe())
        return 0
    from workbook.data.sample import main as make_sample

    return make_sample([])


def _plan(args: argparse.Namespace) -> int:
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
        if args.command == "batch":
            from workbook.run.batch import main_batch

            return main_batch(args)
        from workbook.display.export import export_html

        target = Path(args.html) if args.html else Path(args.notebook).with_suffix(".html")
        print(export_html(Path(args.notebook), target, show_code=args.show_code))
        return 0
    except WorkbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
