"""The ``cleaner`` command. Thin: it parses arguments, calls the library, prints.

Exit status: 0 all good; 1 some input failed (``run``), a file is not clean
(``check``) or was rewritten (``fix``); 2 usage or profile errors. Diagnostics go to
stderr.
"""
from __future__ import annotations

import difflib
import functools
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any, Callable, List, Optional

import typer

from cleaner import __version__
from cleaner.filters.decode import NotText
from cleaner.pipeline import Cleaner
from cleaner.profile import Profile, ProfileError, builtin_names, builtin_text, load_profile
from cleaner import runner

app = typer.Typer(
    name="cleaner",
    help="Clean messy Chinese documents into normalized, one-document-per-file text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
profiles_app = typer.Typer(help="List and show the built-in profiles.", no_args_is_help=True)
app.add_typer(profiles_app, name="profiles")

ProfileOpt = typer.Option(None, "--profile", "-p", help="Built-in profile name or path to a profile TOML file.")


class UserError(Exception):
    """A mistake in how the command was called; printed, exit status 2."""


def err(message: str) -> None:
    typer.echo(message, err=True)


def reports_user_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Turn a user's mistake into a message on stderr and exit status 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except ProfileError as exc:
            err(f"cleaner: profile error: {exc}")
            raise typer.Exit(2) from None
        except UserError as exc:
            err(f"cleaner: {exc}")
            raise typer.Exit(2) from None

    return wrapper


def _build(prof: Profile) -> Cleaner:
    """The profile's chain; a filter that refuses its options (a value the profile's
    types allow but the filter cannot use) is a profile error, not a traceback."""
    try:
        return Cleaner(prof)
    except ProfileError:
        raise
    except Exception as exc:
        raise ProfileError(prof.source, None, f"the filters cannot be built from it: {exc}") from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleaner {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Clean messy Chinese documents into normalized, one-document-per-file text."""


# --- run -------------------------------------------------------------------------


@app.command()
@reports_user_errors
def run(
    in_dir: Path = typer.Argument(..., help="Folder of raw documents (read recursively, in sorted order)."),
    out_dir: Path = typer.Argument(..., help="Folder for the clean documents, manifest.jsonl and audit.jsonl."),
    profile: Optional[str] = ProfileOpt,
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes; 0 means one per CPU."),
    resume: bool = typer.Option(False, "--resume", help="Skip inputs the manifest in OUT already records as done."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no per-file notes on stderr."),
    fmt: str = typer.Option("text", "--format", help="Input format: 'text' files, or 'jsonl' (one JSON record per line)."),
    text_field: str = typer.Option("text", "--text-field", help="With --format jsonl: the field that holds the text."),
) -> None:
    """Clean every file under IN_DIR into OUT_DIR."""
    if fmt not in ("text", "jsonl"):
        raise UserError(f"--format must be 'text' or 'jsonl', not {fmt!r}")
    prof = load_profile(profile)
    chain = _build(prof)  # built (and checked) before any worker starts
    workers = jobs or runner.default_jobs()
    show_progress = not quiet and sys.stderr.isatty()
    progress: Any = None
    task_id: Any = None

    def on_start(files: int, size: int) -> None:
        nonlocal progress, task_id
        if show_progress:
            from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
            from rich.console import Console

            progress = Progress(
                TextColumn("cleaning"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                DownloadColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True,
            )
            progress.start()
            task_id = progress.add_task("clean", total=files)
            progress.files_total = files  # type: ignore[attr-defined]

    def on_input(record: dict[str, Any]) -> None:
        if progress is not None:
            progress.advance(task_id)
        if quiet:
            return
        note = None
        if record["status"] == "skipped":
            note = f"skipped: {record['error']}"
        elif record["status"] == "error":
            note = f"error: {record['error']}"
        elif record.get("warnings"):
            note = "warning: " + "; ".join(record["warnings"])
        if note:
            line = f"{record['source']}: {note}"
            if progress is not None:
                progress.console.print(line, markup=False, highlight=False)
            else:
                err(line)

    runner.install_sigterm_handler()
    try:
        summary = runner.run(
            in_dir, out_dir, prof, jobs=workers, resume=resume, fmt=runner.Format(fmt, text_field),
            on_input=on_input, on_start=on_start, cleaner=chain,
        )
    except runner.RunError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:  # the output went away mid-run: disk full, a folder removed
        err(f"cleaner: the run stopped: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}")
        raise typer.Exit(1)
    except KeyboardInterrupt:
        if progress is not None:
            progress.stop()
        err("interrupted: finished inputs are in the manifest; run again with --resume to continue")
        raise typer.Exit(130)
    finally:
        if progress is not None:
            progress.stop()
    if not quiet:
        parts = [f"{summary.inputs} files", f"{summary.segments} documents written"]
        if summary.resumed:
            parts.append(f"{summary.resumed} resumed")
        if summary.skipped:
            parts.append(f"{summary.skipped} skipped")
        if summary.errors:
            parts.append(f"{summary.errors} failed")
        if summary.warnings:
            parts.append(f"{summary.warnings} warnings")
        err("cleaner: " + ", ".join(parts) + f" -> {out_dir}")
    raise typer.Exit(summary.exit_code)


# --- check / fix -----------------------------------------------------------------


def _files(paths: List[Path]) -> list[Path]:
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(Path(path) for path, _ in runner.list_inputs(p))
        elif p.exists():
            found.append(p)
        else:
            raise UserError(f"{p}: no such file or folder")
    return found


def _examine(cleaner: Cleaner, path: Path) -> tuple[bytes, str | None, Any]:
    """(the file's bytes, None, result), or a reason in place of None."""
    try:
        data = runner.read_regular_file(os.fspath(path))
    except OSError as exc:
        return b"", f"cannot read: {exc.strerror or exc}", None
    if data is None:  # a pipe or device: reading it could block for ever
        return b"", "skipped: not a regular file", None
    try:
        result = cleaner.clean(data)
    except NotText as exc:
        return data, f"skipped: {exc}", None
    return data, None, result


def _original(data: bytes, result: Any) -> str:
    """The file's text as it was, decoded as the chain decoded it."""
    return data.decode(result.encoding or "utf-8", errors="replace")


@app.command()
@reports_user_errors
def check(
    paths: List[Path] = typer.Argument(..., help="Files or folders to check."),
    profile: Optional[str] = ProfileOpt,
    diff: bool = typer.Option(False, "--diff", help="Show what cleaning would change, as a unified diff."),
) -> None:
    """Exit 1 if any file is not clean; say which filters would change it."""
    cleaner = _build(load_profile(profile))
    dirty = 0
    for path in _files(paths):
        data, problem, result = _examine(cleaner, path)
        if problem:
            err(f"{path}: {problem}")
            dirty += problem.startswith("cannot")
            continue
        if len(result.segments) > 1:
            dirty += 1
            typer.echo(f"{path}: a compilation of {len(result.segments)} documents; split it with `cleaner run`")
            continue
        cleaned = result.text
        if data == cleaned.encode("utf-8"):
            continue
        dirty += 1
        filters = ", ".join(f"{name} ({n})" for name, n in sorted(result.changes.items(), key=lambda kv: -kv[1]))
        typer.echo(f"{path}: would be changed by {filters or 'encoding (not UTF-8)'}")
        if diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    _original(data, result).splitlines(keepends=True), cleaned.splitlines(keepends=True), f"a/{path}", f"b/{path}"
                )
            )
    if dirty:
        err(f"cleaner: {dirty} file(s) not clean")
    raise typer.Exit(1 if dirty else 0)


@app.command()
@reports_user_errors
def fix(
    paths: List[Path] = typer.Argument(..., help="Files or folders to clean in place."),
    profile: Optional[str] = ProfileOpt,
) -> None:
    """Clean files in place (atomically); exit 1 if any file was changed."""
    cleaner = _build(load_profile(profile))
    changed = 0
    failed = 0
    for path in _files(paths):
        data, problem, result = _examine(cleaner, path)
        if problem:
            err(f"{path}: {problem}")
            failed += problem.startswith("cannot")
            continue
        if len(result.segments) > 1:
            failed += 1
            err(f"{path}: a compilation of {len(result.segments)} documents; not split in place (use `cleaner run`)")
            continue
        if not result.segments and data and _original(data, result).strip():
            failed += 1
            err(f"{path}: cleaning leaves no text; not rewritten")
            continue
        new = result.text.encode("utf-8")
        if data == new:
            continue
        typer.echo(f"Fixing {path}")
        try:
            runner.atomic_write(path, new, mode=stat.S_IMODE(path.stat().st_mode))
        except OSError as exc:
            failed += 1
            err(f"{path}: cannot write: {exc.strerror or exc}")
            continue
        changed += 1
    raise typer.Exit(1 if changed or failed else 0)


# --- explain ---------------------------------------------------------------------


@app.command()
@reports_user_errors
def explain(
    file: Path = typer.Argument(..., help="The file to explain."),
    profile: Optional[str] = ProfileOpt,
    limit: int = typer.Option(20, "--limit", "-n", min=0, help="Edits shown per filter (0: all)."),
) -> None:
    """Print, filter by filter, what cleaning FILE would change."""
    cleaner = _build(load_profile(profile))
    try:
        data = runner.read_regular_file(os.fspath(file))
    except OSError as exc:
        raise UserError(f"{file}: cannot read: {exc.strerror or exc}") from None
    if data is None:
        raise UserError(f"{file}: not a regular file")
    try:
        result = cleaner.clean(data)
    except NotText as exc:
        err(f"{file}: {exc}")
        raise typer.Exit(1)
    typer.echo(f"{file}: encoding {result.encoding}, {len(result.segments)} document(s)")
    if result.collection_title:
        typer.echo(f"  compilation: {result.collection_title} (declares {result.declared_count})")
    for w in result.warnings:
        typer.echo(f"  warning: {w}")
    by_filter: dict[str, list[Any]] = {}
    for edit in result.audit:
        by_filter.setdefault(edit.filter, []).append(edit)
    for f in [*cleaner.filters, None]:
        name = f.name if f is not None else "layout"
        count = result.changes.get(name, 0)
        if not count:
            continue
        typer.echo(f"{name}: {count} change(s)")
        edits = by_filter.get(name, [])
        for edit in edits[: limit or None]:
            where = f"segment {edit.segment}, " if edit.segment else ""
            typer.echo(f"  {where}@{edit.start}: {_show(edit.old)} -> {_show(edit.new)}")
        if limit and len(edits) > limit:
            typer.echo(f"  … and {len(edits) - limit} more")
    for i, seg in enumerate(result.segments, 1):
        typer.echo(f"document {i}: {seg.title} ({len(seg.text)} chars)")


def _show(s: str, width: int = 60) -> str:
    text = json.dumps(s, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 2] + "…\""


# --- profiles ----------------------------------------------------------------------


@profiles_app.command("list")
@reports_user_errors
def profiles_list() -> None:
    """List the built-in profiles."""
    for name in builtin_names():
        prof = load_profile(name)
        typer.echo(f"{name}\t{prof.description}")


@profiles_app.command("show")
@reports_user_errors
def profiles_show(name: str = typer.Argument(..., help="A built-in profile name, or a profile file path.")) -> None:
    """Print a profile: a built-in one as shipped, then its resolved chain."""
    prof = load_profile(name)
    if name in builtin_names():
        typer.echo(builtin_text(name).rstrip("\n"))
    else:
        typer.echo(f"# {prof.source}")
    typer.echo("")
    typer.echo(f"# resolved chain ({' <- '.join(reversed(prof.lineage))}):")
    for fname in prof.chain:
        typer.echo(f"#   {fname}")


# --- entry point ---------------------------------------------------------------------


def main(argv: Optional[list[str]] = None) -> int:
    """Run the command line; return the exit status (0, 1 or 2)."""
    try:
        app(args=argv, prog_name="cleaner")
    except SystemExit as exc:  # typer reports usage errors (status 2) and Exit this way
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
