"""Command line: thin handlers that call library functions, print, and return an exit code."""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from . import __version__
from .blocks import segment
from .config import (
    DEFAULT_CONFIG,
    FEED_LINK_DENSITY,
    FILL_FLOOR,
    GAP_FLOOR,
    LISTING_FLOOR,
    PAGE_CUT_FLOOR,
    REGION_FLOOR,
    REGION_SECTIONS,
    Config,
)
from .errors import BoilerplateError, BoilerplateWarning
from .features import block_table, featurize
from .model import Model
from .parse import parse
from .render import FORMATS, RenderOptions
from .sources import Page, SourceError, iter_pages
from .train import HyperParams

REPORT_COLUMNS = ("pages", "precision", "recall", "f1", "f1_std", "block_f1")
REPORT_NAME_WIDTH = 24
"""Width of a report's first column (titles and group names), wider where one is longer."""
GAP_COLUMNS = ("pages", "f1_gap", "f1_gap_std")
"""Columns of a "boilerplate − PEER" table: our F1 less the peer's, paired deviation."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PREVIEW_CHARS = 60
TABLE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("index", "#", 4), ("tag", "tag", 10), ("n_tokens", "tokens", 6),
    ("link_density", "link", 5), ("text_density", "dens", 5), ("context", "inside", 14),
)


def _config(args: argparse.Namespace) -> Config:
    floor = PAGE_CUT_FLOOR if getattr(args, "page_cut", False) else None
    region = None if getattr(args, "no_region", False) else REGION_FLOOR
    gap = None if getattr(args, "no_gap", False) else GAP_FLOOR
    listing = None if getattr(args, "no_listing", False) else LISTING_FLOOR
    fill = None if getattr(args, "no_fill", False) else FILL_FLOOR
    sections = REGION_SECTIONS if getattr(args, "sections", False) else None
    comments = getattr(args, "drop_comments", False)
    feed = None if getattr(args, "no_feed", False) else FEED_LINK_DENSITY
    margin = None if getattr(args, "no_learned_cut", False) else DEFAULT_CONFIG.cut_margin
    return replace(DEFAULT_CONFIG, max_bytes=args.max_bytes, max_blocks=args.max_blocks,
                   page_cut_floor=floor, region_floor=region, gap_floor=gap,
                   listing_floor=listing, fill_floor=fill, feed_link_density=feed,
                   region_sections=sections, comment_trim=comments, cut_margin=margin,
                   site_templates=getattr(args, "site_templates", False))


def _add_decision_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--page-cut", action="store_true",
                        help="let a page whose probabilities split lower than the threshold "
                             f"take its own, lower cut (down to {PAGE_CUT_FLOOR}): more "
                             "recall on forums, manuals and listings, less precision on news")
    parser.add_argument("--no-region", action="store_true",
                        help="turn off the main-region pass, which keeps blocks down to "
                             f"probability {REGION_FLOOR} inside the page's main region (the "
                             "deepest container holding most of the kept text) that are built "
                             "like the blocks kept there, and drops unsure blocks outside it; "
                             "then exactly the blocks at or above the cut are kept")
    parser.add_argument("--no-gap", action="store_true",
                        help="turn off the gap pass, which keeps the blocks down to "
                             f"probability {GAP_FLOOR} that lie between two kept blocks inside "
                             "the main region, but for links (a manual's entries between the "
                             "sections the model is sure of)")
    parser.add_argument("--no-listing", action="store_true",
                        help="turn off the listing pass, which, on a page with no article "
                             "and little else kept, keeps the records of its likeliest group "
                             "of sibling records built alike and partly links, down to "
                             f"probability {LISTING_FLOOR} (a listing's items)")
    parser.add_argument("--no-fill", action="store_true",
                        help="turn off the fill pass, which, on a page the model is unsure of "
                             "throughout, keeps every block of the main region down to "
                             f"probability {FILL_FLOOR}, but for links and text the page "
                             "repeats (a manual's entries, a forum's replies)")
    parser.add_argument("--sections", action="store_true",
                        help="widen a manual's main region from the one section its kept "
                             "blocks sit in to all its sections (a section: an element led "
                             f"by a heading among {REGION_SECTIONS} or more siblings led by "
                             "headings of its level), for a model that never learned from "
                             "manuals")
    # argparse %-formats help texts: a percent sign is written "%%" there.
    parser.add_argument("--no-feed", action="store_true",
                        help="turn off the feed pass, which, on a page with a sure article, "
                             "drops the unsure kept blocks outside the article's region whose "
                             f"element is {FEED_LINK_DENSITY:.0%}% links or more (a feed of "
                             "headlines and summaries beside the story)")
    parser.add_argument("--drop-comments", action="store_true",
                        help="on a page with a sure article outside comment containers "
                             "(class or id \"comment...\"), drop the kept blocks inside them "
                             "that lie outside the article's region: the comments under a "
                             "blog post")
    parser.add_argument("--no-learned-cut", action="store_true",
                        help="keep the model's threshold on every page, even where the model "
                             "learned which cut suits a page (models trained with it move a "
                             "page that is unsure throughout lower, and one sure of its "
                             "article higher)")


def _add_site_templates(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site-templates", action="store_true",
                        help="read the pages as one batch and drop blocks whose text recurs on "
                             "other pages of the same site (menus, footers, teasers of other "
                             "articles); sites come from the pages' URLs (else the page's "
                             "canonical link; in datasets their site field), and a page "
                             "without one has no siblings")


def _share(text: str) -> float:
    """An argparse type for a share of a whole: more than 0, at most 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not in (0, 1]")
    return value


def _add_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_CONFIG.max_bytes,
                        help="refuse pages larger than this many bytes (default %(default)s)")
    parser.add_argument("--max-blocks", type=int, default=DEFAULT_CONFIG.max_blocks,
                        help="keep at most this many blocks per page (default %(default)s)")


def _add_pages_and_model(parser: argparse.ArgumentParser) -> None:
    """The page inputs and model options that show and annotate share."""
    parser.add_argument("pages", nargs="+", metavar="PAGE",
                        help="HTML file, directory, JSON lines, WARC, or - for stdin")
    parser.add_argument("--model", default=None, help="model directory (default: shipped)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="probability at or above which a block is content "
                             "(default: the model's)")
    _add_decision_flags(parser)


def _format_cell(value: object, width: int) -> str:
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    return text[:width].ljust(width)


def _table_lines(page_id: str, rows: list[dict]) -> list[str]:
    lines = [f"== {page_id}: {len(rows)} blocks",
             " ".join(label.ljust(width) for _, label, width in TABLE_COLUMNS) + " text"]
    for row in rows:
        cells = " ".join(_format_cell(row[key], width) for key, _, width in TABLE_COLUMNS)
        text = row["text"]
        preview = text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
        lines.append(f"{cells} {preview}")
    return lines


def _each_page(paths: Sequence[str], work: Callable[[Page], str]) -> int:
    """Run `work` on every page and print its output; report each bad page and go on.

    Exit status: 2 if a named path does not exist, else 1 if any page failed, else 0.
    """
    status = EXIT_OK
    for page in iter_pages(paths):
        if isinstance(page, SourceError):
            print(f"boilerplate: {page.id}: {page.reason}", file=sys.stderr)
            status = EXIT_USAGE if page.usage else max(status, EXIT_FAILED)
            continue
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", BoilerplateWarning)
                output = work(page)
        except BoilerplateError as exc:
            print(f"boilerplate: {exc}", file=sys.stderr)
            status = max(status, EXIT_FAILED)
            continue
        except Exception as exc:  # noqa: BLE001 - one page's unexpected failure must not end a batch
            print(f"boilerplate: {page.id}: internal error ({type(exc).__name__}: {exc}); "
                  "please report it with the page", file=sys.stderr)
            status = max(status, EXIT_FAILED)
            continue
        _print_warnings(caught, page.id)
        print(output)
    return status


def cmd_blocks(args: argparse.Namespace) -> int:
    """Show the blocks of each page with the features the model sees."""
    config = _config(args)
    lexicon = Model.load(args.model).lexicon

    def work(page: Page) -> str:
        doc = parse(page.data, where=page.id, config=config)
        blocks = segment(doc, config)
        rows = block_table(blocks, featurize(blocks, config, doc.title, lexicon=lexicon))
        if args.json:
            return json.dumps({"id": page.id, "blocks": rows}, ensure_ascii=False)
        return "\n".join(_table_lines(page.id, rows))

    return _each_page(args.pages, work)


def _print_tables(tables: dict[str, dict], *, as_json: bool) -> None:
    """Evaluation tables on stdout, as JSON or as aligned text."""
    if as_json:
        print(json.dumps(tables, indent=2, ensure_ascii=False))
        return
    for title, table in tables.items():
        print("\n".join(_report_lines(title, table)))
        print()


def _report_lines(title: str, table: dict[str, dict]) -> list[str]:
    columns = GAP_COLUMNS if any("f1_gap" in row for row in table.values()) else REPORT_COLUMNS
    width = max([REPORT_NAME_WIDTH, len(title) + 1, *(len(name) + 1 for name in table)])
    lines = [f"{title:<{width}}" + "".join(f"{c:>11}" for c in columns)]
    for name, row in table.items():
        cells = "".join(_report_cell(row.get(c), signed=c == "f1_gap") for c in columns)
        lines.append(f"{name:<{width}}{cells}")
    return lines


def _report_cell(value: object, signed: bool = False) -> str:
    if isinstance(value, float):
        return f"{value:>+11.4f}" if signed else f"{value:>11.4f}"
    return f"{'-' if value is None else value:>11}"


def _usage_error(message: str) -> int:
    print(f"boilerplate: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _extract_options(args: argparse.Namespace) -> RenderOptions | str:
    """Render options from the command line, or what is wrong with them."""
    if (args.blocks or args.features) and args.format not in ("json", "jsonl"):
        return "--blocks and --features need --format json or jsonl"
    if args.links and args.format not in ("markdown", "html"):
        return "--links needs --format markdown or html"
    if args.threshold is not None and not 0.0 <= args.threshold <= 1.0:
        return f"--threshold must be between 0 and 1, not {args.threshold}"
    if args.jobs < 1:
        return f"--jobs must be at least 1, not {args.jobs}"
    return RenderOptions(args.format, links=args.links, blocks=args.blocks,
                         features=args.features)


def cmd_extract(args: argparse.Namespace) -> int:
    """Extract the main content of every page, to stdout or one file per page."""
    from .batch import extract_pages, output_name, remove_stale_temporaries, write_output
    from .extract import Extractor

    options = _extract_options(args)
    if isinstance(options, str):
        return _usage_error(options)
    if args.resume and not args.output:
        return _usage_error("--resume needs --output DIR (it skips pages whose file exists)")
    if args.parquet and not args.dask:
        return _usage_error("--parquet applies to --dask output (part files)")
    if args.dask:
        if args.site_templates:
            return _usage_error("--dask does not take --site-templates (it needs every page "
                                "of a site in one process)")
        return _extract_on_dask(args, options)
    if args.site_templates and "-" in args.pages:
        return _usage_error("--site-templates reads the pages twice: give files, not - (stdin)")
    extractor = Extractor.load(args.model, config=_config(args), threshold=args.threshold)
    if args.site_templates:
        from .templates import index_pages

        extractor = replace(extractor, templates=index_pages(
            iter_pages(args.pages), extractor.config, jobs=args.jobs))
        if not args.quiet:
            count = len(extractor.templates)
            print(f"boilerplate: site templates: read {count} page{'s' * (count != 1)}",
                  file=sys.stderr)
    out_dir = Path(args.output) if args.output else None
    done = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        if args.resume:
            removed = remove_stale_temporaries(out_dir)
            if removed and not args.quiet:
                print(f"boilerplate: removed {removed} unfinished temporary files from an "
                      "interrupted run", file=sys.stderr)

            def done(page_id: str) -> bool:
                return (out_dir / output_name(page_id, options.suffix)).exists()
    tally = {"extracted": 0, "failed": 0, "skipped": 0}
    status, started, interrupted = EXIT_OK, time.perf_counter(), False
    outcomes = extract_pages(extractor, iter_pages(args.pages), options, jobs=args.jobs,
                             done=done)
    with progress_bar(args.quiet) as bar, closing(outcomes):
        try:
            for outcome in outcomes:
                bar.update()
                if outcome.skipped:
                    tally["skipped"] += 1
                elif outcome.error is not None:
                    bar.write(f"boilerplate: {outcome.id}: {outcome.error}")
                    status = EXIT_USAGE if outcome.usage else max(status, EXIT_FAILED)
                    tally["failed"] += 1
                else:
                    for message in outcome.warnings:
                        bar.write(f"boilerplate: {outcome.id}: warning: {message}")
                    if out_dir is not None:
                        write_output(out_dir, outcome.id, outcome.output, options.suffix)
                    else:
                        sys.stdout.write(outcome.output + "\n")
                    tally["extracted"] += 1
        except KeyboardInterrupt:
            interrupted = True
            if out_dir is not None:  # a write cut short by Ctrl-C leaves no half file
                remove_stale_temporaries(out_dir)
    seconds = time.perf_counter() - started
    if interrupted or (not args.quiet and (sum(tally.values()) > 1 or tally["failed"])):
        print(_summary(tally, seconds, out_dir, interrupted), file=sys.stderr)
    return EXIT_INTERRUPTED if interrupted else status


def _extract_on_dask(args: argparse.Namespace, options: RenderOptions) -> int:
    """extract --dask: record ranges as tasks on a cluster, one JSON lines file per range."""
    from .distributed import extract_to_dir

    if not args.output or args.format != "jsonl" or args.resume:
        return _usage_error("--dask writes one JSON lines file per range of records: it needs "
                            "--format jsonl and --output DIR (and does not take --resume)")
    started = time.perf_counter()
    parts = extract_to_dir(args.pages, args.output, args.dask, model=args.model,
                           options=options, config=_config(args), threshold=args.threshold,
                           records_per_range=args.records_per_task,
                           local_workers=max(args.jobs, 2), parquet=args.parquet)
    status, failed = EXIT_OK, 0
    for part in parts:
        for failure in part.failed:
            print(f"boilerplate: {failure['id']}: {failure['error']}", file=sys.stderr)
            status = EXIT_USAGE if failure["usage"] else max(status, EXIT_FAILED)
            failed += 1
    if not args.quiet:
        pages = sum(p.pages for p in parts)
        print(f"boilerplate: extracted {pages} pages into {len(parts)} files in {args.output}, "
              f"{failed} failed ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return status


def _summary(tally: dict[str, int], seconds: float, out_dir: Path | None,
             interrupted: bool) -> str:
    rate = f", {tally['extracted'] / seconds:.1f} pages/s" if seconds > 0 and tally[
        "extracted"] else ""
    where = f" to {out_dir}" if out_dir is not None else ""
    skipped = f", {tally['skipped']} already done" if tally["skipped"] else ""
    text = (f"boilerplate: extracted {tally['extracted']} pages{where}, {tally['failed']} "
            f"failed{skipped} ({seconds:.1f} s{rate})")
    if interrupted:
        hint = " --resume" if out_dir is not None else ""
        text = f"{text}; interrupted: run the same command{hint} to continue"
    return text


def cmd_show(args: argparse.Namespace) -> int:
    """Write each page as an HTML report with its blocks marked by the model's labels."""
    from .batch import output_name, write_output
    from .extract import Extractor
    from .show import show_page

    extractor = Extractor.load(args.model, config=_config(args), threshold=args.threshold)
    out_dir = Path(args.output) if args.output else None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    model_name = args.model or "default"

    def work(page: Page) -> str:
        result = extractor.run(page.data, page_id=page.id, url=page.url, encoding=page.encoding)
        report = show_page(result, threshold=extractor.cut, model_name=model_name)
        if out_dir is None:
            return report
        write_output(out_dir, page.id, report, ".html")
        return f"{page.id}\t{out_dir / output_name(page.id, '.html')}"

    return _each_page(args.pages, work)


def cmd_annotate(args: argparse.Namespace) -> int:
    """Serve the labeling app on 127.0.0.1 until Ctrl-C; labels are saved as they change."""
    from .annotate import open_session, serve
    from .extract import Extractor

    extractor = Extractor.load(args.model, config=_config(args), threshold=args.threshold)
    pages, status = [], EXIT_OK
    for item in iter_pages(args.pages):
        if isinstance(item, SourceError):
            print(f"boilerplate: {item.id}: {item.reason}", file=sys.stderr)
            status = EXIT_USAGE if item.usage else EXIT_FAILED
        else:
            pages.append(item)
    session = open_session(pages, args.out, extractor)
    for page_id, reason in session.skipped:
        print(f"boilerplate: skipped {page_id}: {reason}", file=sys.stderr)
    if not session.pages:
        return _usage_error("no page to annotate")
    server = serve(session, args.port)
    host, port = server.server_address[:2]
    print(f"boilerplate: annotating {len(session.pages)} pages (most uncertain first) at "
          f"http://{host}:{port}/ ; labels are saved to {args.out} ; Ctrl-C to stop",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    reviewed = sum(p.reviewed for p in session.pages)
    print(f"boilerplate: {reviewed} pages reviewed; train on them with `boilerplate train "
          f"{args.out} ...`", file=sys.stderr)
    return status


def write_error_report(directory: Path, page_errors: list[dict], summary: dict) -> None:
    """DIR/summary.txt and .json (wrong tokens by group), DIR/pages.jsonl (worst page first)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    lines = []
    for key, groups in summary.items():
        lines.append(f"== wrong tokens by {key}")
        lines.append(f"{'group':<28}{'false content':>15}{'missed content':>16}{'blocks':>8}")
        ranked = sorted(groups.items(),
                        key=lambda kv: -(kv[1]["false_content"] + kv[1]["missed_content"]))
        for value, cell in ranked:
            lines.append(f"{value[:27]:<28}{cell['false_content']:>15.0f}"
                         f"{cell['missed_content']:>16.0f}{cell['blocks']:>8}")
        lines.append("")
    (directory / "summary.txt").write_text("\n".join(lines), encoding="utf-8")
    with (directory / "pages.jsonl").open("w", encoding="utf-8") as fh:
        for page in page_errors:
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")


def _print_warnings(caught: list, page_id: str | None = None) -> None:
    prefix = f"{page_id}: " if page_id else ""
    for warning in caught:
        print(f"boilerplate: {prefix}warning: {warning.message}", file=sys.stderr)


def cmd_train(args: argparse.Namespace) -> int:
    """Featurize and label the datasets, fit a model, and save it with its metadata."""
    from .train import HyperParams, concat, fit, load_pageset

    config = _config(args)
    say = None if args.quiet else progress
    sets, infos = [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BoilerplateWarning)
        for path in args.data:
            pageset, dataset = load_pageset(path, config, jobs=args.jobs, progress=say)
            for reason in pageset.skipped:
                print(f"boilerplate: skipped page {reason}", file=sys.stderr)
            sets.append(pageset)
            info = dataset.info()
            infos.append({"name": info.name, "pages": pageset.n_pages,
                          "records": info.pages, "skipped": info.skipped + len(pageset.skipped),
                          "sha256": info.sha256, "labels": pageset.label_stats})
            if say:
                say(f"{info.name}: {pageset.n_pages} pages, {len(pageset.y)} blocks, "
                    f"labels cover {pageset.label_stats['gold_token_coverage']} of gold tokens")
    _print_warnings(caught)
    params = HyperParams(max_iter=args.max_iter, smoothing=args.smoothing,
                         page_weight_power=args.page_weight_power,
                         max_features=args.max_features, learned_cut=args.learned_cut,
                         lexicon=not args.no_lexicon)
    model, fit_report = fit(concat(sets), params, config, progress=say)
    model.save(args.out, {"training_sets": infos, "training": fit_report,
                          "hyperparameters": params.__dict__})
    print(json.dumps({"model": str(args.out), "threshold": model.threshold,
                      "smoothing": fit_report["smoothing"],
                      "heldout_f1": round(fit_report["heldout_f1"], 4),
                      "training_sets": [{k: i[k] for k in ("name", "pages", "skipped")}
                                        for i in infos]}, indent=2))
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score the model on labeled datasets, optionally beside peer extractors."""
    from .evaluate import compare_peers, evaluate_datasets

    config = _config(args)
    if args.dask:
        return _evaluate_on_dask(args, config)
    say = None if args.quiet else progress
    peers = [p.strip() for p in args.compare.split(",")] if args.compare else []
    found = evaluate_datasets(
        args.data, args.model, config=config, jobs=args.jobs, by=args.by,
        threshold=args.threshold, errors=bool(args.errors), progress=say)
    if args.errors:
        write_error_report(Path(args.errors), found.page_errors, found.summary)
        print(f"boilerplate: wrote error analysis of {len(found.page_errors)} pages to "
              f"{args.errors}", file=sys.stderr)
    tables = dict(found.tables)
    if peers:
        tables.update(compare_peers(args.data, peers, config=config, by=args.by, progress=say,
                                    ours=found.results))
    _print_tables(tables, as_json=args.json)
    return EXIT_OK


class _Bar:
    """A progress bar on stderr, or nothing but pass-through messages when it is off."""

    def __init__(self, enabled: bool) -> None:
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(unit="page", file=sys.stderr, dynamic_ncols=True, leave=False)

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def update(self) -> None:
        if self._bar is not None:
            self._bar.update()

    def write(self, message: str) -> None:
        """A line on stderr that does not tear the bar."""
        if self._bar is not None:
            self._bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr)


def progress_bar(quiet: bool) -> _Bar:
    """A bar only for a person watching: stderr is a terminal and --quiet is not given."""
    return _Bar(not quiet and sys.stderr.isatty())


def _evaluate_on_dask(args: argparse.Namespace, config: Config) -> int:
    """evaluate --dask: ranges of each dataset's pages scored on a cluster, one report."""
    from .distributed import evaluate_bag, run_on_cluster
    from .evaluate import GROUP_KEYS, report

    if args.compare or args.errors or args.site_templates:
        return _usage_error("--dask does not take --compare, --errors or --site-templates")
    bag = evaluate_bag(args.data, args.model, config=config, threshold=args.threshold,
                       records_per_range=args.records_per_task)
    results = run_on_cluster(bag, args.dask, max(args.jobs, 2))
    tables = {f"boilerplate ({args.model or 'default model'})": report(results,
                                                                       GROUP_KEYS[args.by])}
    _print_tables(tables, as_json=args.json)
    return EXIT_OK


def progress(message: str) -> None:
    """Progress lines for long runs go to stderr, never into the data on stdout."""
    print(f"[boilerplate] {message}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, separate from main() so docs and tests can inspect it."""
    parser = argparse.ArgumentParser(
        prog="boilerplate", description="Keep a web page's main content, drop its chrome.",
    )
    parser.add_argument("--version", action="version", version=f"boilerplate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    blocks = sub.add_parser("blocks", help="show the text blocks of pages and their features")
    blocks.add_argument("pages", nargs="+", metavar="PAGE",
                        help="HTML file, directory of pages, or - for stdin")
    blocks.add_argument("--json", action="store_true", help="one JSON object per page")
    blocks.add_argument("--model", default=None,
                        help="model directory whose lexicon the features use (default: shipped)")
    _add_limits(blocks)
    blocks.set_defaults(handler=cmd_blocks)

    extract = sub.add_parser("extract", help="extract the main content of pages")
    extract.add_argument("pages", nargs="+", metavar="PAGE",
                         help="HTML file (.html, .htm, .html.gz), directory (searched "
                              "recursively), JSON lines (.jsonl[.gz]: id, url, html per line), "
                              "WARC (.warc[.gz]), or - for stdin")
    extract.add_argument("--model", default=None, help="model directory (default: shipped)")
    extract.add_argument("--threshold", type=float, default=None,
                         help="probability at or above which a block is content; lower keeps "
                              "more (recall), higher keeps less (precision); default: the "
                              "model's")
    _add_decision_flags(extract)
    _add_site_templates(extract)
    extract.add_argument("--format", choices=FORMATS, default="text",
                         help="text (a paragraph per line), markdown, html, json (indented) "
                              "or jsonl (a line per page); default text")
    extract.add_argument("--links", action="store_true",
                         help="markdown/html: keep the content's links")
    extract.add_argument("--blocks", action="store_true",
                         help="json/jsonl: every block with label, probability and XPath")
    extract.add_argument("--features", action="store_true",
                         help="json/jsonl: every block's feature values too (implies --blocks)")
    extract.add_argument("--output", metavar="DIR", default=None,
                         help="write one file per page into DIR instead of stdout")
    extract.add_argument("--resume", action="store_true",
                         help="with --output: skip pages whose output file already exists")
    extract.add_argument("--jobs", type=int, default=1,
                         help="worker processes (default 1); output order does not change")
    extract.add_argument("--quiet", action="store_true",
                         help="no progress bar and no summary on stderr")
    extract.add_argument("--dask", metavar="ADDRESS", default=None,
                         help="run on a Dask cluster (scheduler address, or 'local' for a "
                              "LocalCluster of --jobs processes, at least 2); writes "
                              "--output DIR/part-NNNNN.jsonl (needs boilerplate[dask])")
    extract.add_argument("--records-per-task", type=int, default=500,
                         help="--dask: records of a WARC or JSON lines file per task")
    extract.add_argument("--parquet", action="store_true",
                         help="--dask: write part-NNNNN.parquet instead (needs pyarrow)")
    _add_limits(extract)
    extract.set_defaults(handler=cmd_extract)

    show = sub.add_parser("show", help="an HTML view of pages with every block marked by "
                                       "its label and probability")
    _add_pages_and_model(show)
    show.add_argument("--output", metavar="DIR", default=None,
                      help="write one report per page into DIR (default: stdout)")
    _add_limits(show)
    show.set_defaults(handler=cmd_show)

    annotate = sub.add_parser("annotate", help="a local web app to correct the model's "
                                               "labels, saved as a dataset train reads")
    _add_pages_and_model(annotate)
    annotate.add_argument("--out", required=True, metavar="LABELS_DIR",
                          help="where pages.jsonl.gz (the labels) and state.json are saved")
    annotate.add_argument("--port", type=int, default=0,
                          help="port on 127.0.0.1 (default: any free port, printed)")
    _add_limits(annotate)
    annotate.set_defaults(handler=cmd_annotate)

    train = sub.add_parser("train", help="train a model on labeled pages")
    train.add_argument("data", nargs="+", metavar="DATA",
                       help="pages.jsonl.gz, a folder holding one, or a folder of "
                            "PAGE.html + PAGE.txt pairs")
    train.add_argument("--out", required=True, help="directory to write the model to")
    train.add_argument("--jobs", type=int, default=1, help="processes for featurizing")
    train.add_argument("--max-iter", type=int, default=HyperParams.max_iter,
                       help="boosting iterations (trees), default %(default)s")
    train.add_argument("--page-weight-power", type=float,
                       default=HyperParams.page_weight_power,
                       help="divide each block's weight by its page's total to this power "
                            "(0: long pages dominate; 1: every page weighs the same), "
                            "default %(default)s")
    train.add_argument("--max-features", type=_share, default=HyperParams.max_features,
                       help="share of the columns each split may choose from (1: all), "
                            "default %(default)s")
    train.add_argument("--smoothing", action="store_true",
                       help="also try a second pass over neighbours' probabilities (kept if "
                            "it helps on held-out training sites; slower, and off by default "
                            "because it did not carry over to unseen datasets)")
    train.add_argument("--learned-cut", action="store_true",
                       help="also learn which cut suits each page from how sure the model "
                            "is about it (opt-in: more recall on manuals, listings and "
                            "forums, less precision on news)")
    train.add_argument("--no-lexicon", action="store_true",
                       help="learn no function and chrome words from the training pages "
                            "(the model then has no lexicon columns)")
    train.add_argument("--quiet", action="store_true", help="no progress on stderr")
    _add_limits(train)
    train.set_defaults(handler=cmd_train)

    evaluate = sub.add_parser("evaluate", help="score a model on labeled pages")
    evaluate.add_argument("data", nargs="+", metavar="DATA")
    evaluate.add_argument("--model", default=None, help="model directory (default: shipped)")
    evaluate.add_argument("--threshold", type=float, default=None)
    _add_decision_flags(evaluate)
    _add_site_templates(evaluate)
    evaluate.add_argument("--by", choices=("dataset", "lang", "page_type"), default="dataset",
                          help="group pages by this in the table")
    evaluate.add_argument("--compare", default="",
                          help="comma-separated peers: trafilatura,readability,justext")
    evaluate.add_argument("--json", action="store_true", help="print the tables as JSON")
    evaluate.add_argument("--errors", metavar="DIR", default=None,
                          help="write the blocks the model got wrong, per page, and where "
                               "errors cluster, to DIR")
    evaluate.add_argument("--jobs", type=int, default=1)
    evaluate.add_argument("--dask", metavar="ADDRESS", default=None,
                          help="score on a Dask cluster (scheduler address, or 'local')")
    evaluate.add_argument("--records-per-task", type=int, default=500,
                          help="--dask: pages of a dataset per task")
    evaluate.add_argument("--quiet", action="store_true")
    _add_limits(evaluate)
    evaluate.set_defaults(handler=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `boilerplate` command; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help/--version (0) and usage errors (2)
        return int(exc.code or 0)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BoilerplateWarning)
            code = args.handler(args)
        _print_warnings(caught)
        return code
    except BoilerplateError as exc:  # bad model, missing dataset: the user must fix the call
        print(f"boilerplate: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # an output path that cannot be written (--out, --errors)
        print(f"boilerplate: error: cannot write {exc.filename or ''}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("boilerplate: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
