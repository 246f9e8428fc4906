"""Command line: thin handlers that call library functions, print, and return an exit code."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from dataclasses import replace

from . import __version__
from .blocks import segment
from .config import DEFAULT_CONFIG, Config
from .errors import BoilerplateError
from .features import block_table, featurize
from .parse import parse
from .sources import SourceError, iter_pages

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PREVIEW_CHARS = 60
TABLE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("index", "#", 4), ("tag", "tag", 10), ("n_tokens", "tokens", 6),
    ("link_density", "link", 5), ("text_density", "dens", 5), ("context", "inside", 14),
)


def _config(args: argparse.Namespace) -> Config:
    return replace(DEFAULT_CONFIG, max_bytes=args.max_bytes, max_blocks=args.max_blocks)


def _add_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_CONFIG.max_bytes,
                        help="refuse pages larger than this many bytes (default %(default)s)")
    parser.add_argument("--max-blocks", type=int, default=DEFAULT_CONFIG.max_blocks,
                        help="keep at most this many blocks per page (default %(default)s)")


def _format_cell(value: object, width: int) -> str:
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    return text[:width].ljust(width)


def _print_table(page_id: str, rows: list[dict]) -> None:
    print(f"== {page_id}: {len(rows)} blocks")
    print(" ".join(label.ljust(width) for _, label, width in TABLE_COLUMNS) + " text")
    for row in rows:
        cells = " ".join(_format_cell(row[key], width) for key, _, width in TABLE_COLUMNS)
        text = row["text"]
        preview = text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
        print(f"{cells} {preview}")


def cmd_blocks(args: argparse.Namespace) -> int:
    """Show the blocks of each page with the features the model sees."""
    config = _config(args)
    status = EXIT_OK
    for page in iter_pages(args.pages):
        if isinstance(page, SourceError):
            print(f"boilerplate: {page.id}: {page.reason}", file=sys.stderr)
            status = EXIT_USAGE if page.usage else max(status, EXIT_FAILED)
            continue
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                blocks = segment(parse(page.data, where=page.id, config=config), config)
                rows = block_table(blocks, featurize(blocks, config))
        except BoilerplateError as exc:
            print(f"boilerplate: {exc}", file=sys.stderr)
            status = max(status, EXIT_FAILED) if status != EXIT_USAGE else status
            continue
        for warning in caught:
            print(f"boilerplate: {page.id}: warning: {warning.message}", file=sys.stderr)
        if args.json:
            print(json.dumps({"id": page.id, "blocks": rows}, ensure_ascii=False))
        else:
            _print_table(page.id, rows)
    return status


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
    _add_limits(blocks)
    blocks.set_defaults(handler=cmd_blocks)
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
        return args.handler(args)
    except KeyboardInterrupt:
        print("boilerplate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
