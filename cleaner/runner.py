"""``cleaner run IN OUT``: clean every file under IN into OUT, with a manifest and an
audit trail (SPEC §1).

Layout: ``IN/a/b.txt`` becomes ``OUT/a/b.txt`` (one document) or ``OUT/a/b/01.txt``,
``02.txt``, … (several). ``OUT/manifest.jsonl`` holds one record per input, in sorted
input order; ``OUT/audit.jsonl`` every span a filter removed or replaced.

Robustness rules:
- every output file is written to a temporary name in its folder and renamed into
  place, so an interrupted run leaves no half-written file;
- the manifest and audit grow one finished input at a time, which is what ``--resume``
  reads back: inputs already recorded as done are not cleaned again;
- a file that is not text is skipped with its reason; an unreadable one is an error
  for that input; neither stops the run. Nor does a bug in a filter or a worker process
  that dies (out of memory): that input is an error, the others go on;
- memory: one input at a time per worker, and at most a few inputs queued per worker
  (a folder of a million files costs the list of names, not a million pending tasks);
- interruption (KeyboardInterrupt, which the CLI also raises on SIGTERM): workers ignore
  the signals and finish the input in hand, queued inputs are dropped, the manifest and
  audit are cut back to the last finished input, temporary files are swept.
"""
from __future__ import annotations

import collections
import itertools
import json
import os
import signal
import stat
import sys
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator, TextIO

from cleaner.core import EditSink, RawEdit
from cleaner.filters.decode import NotText
from cleaner.pipeline import Cleaner, Result
from cleaner.profile import Profile

MANIFEST = "manifest.jsonl"
AUDIT = "audit.jsonl"
TMP_SUFFIX = ".cleaner-tmp"
PARTS_DIR = ".cleaner-parts"


class RunError(Exception):
    """A run that cannot start (bad IN or OUT); ``str()`` is the message for the user."""


@dataclass
class RunSummary:
    inputs: int = 0
    ok: int = 0
    skipped: int = 0
    errors: int = 0
    resumed: int = 0
    segments: int = 0
    bytes: int = 0
    warnings: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


@dataclass
class Task:
    index: int
    path: str
    rel: str
    size: int
    prune: bool = True
    """Whether an earlier run may have left outputs of this input in the other layout
    (one file, or a folder of parts) to remove: not when OUT was empty at the start."""
    folder: str | None = None
    """Where its documents go should it hold several (:func:`part_folders`)."""
    old_folders: tuple[str, ...] = ()
    """Other folders an earlier run may have left its documents in (:func:`old_part_folders`)."""

    @property
    def part_folder(self) -> str:
        return self.folder or _spec_folder(self.rel)


@dataclass
class Outcome:
    record: dict[str, Any]
    audit_part: str | None = None
    """Where a long audit of this input waits to be copied into OUT/audit.jsonl ..."""
    audit: bytes = b""
    """... or the audit itself, UTF-8, when it is short (the usual case: no file to
    create). Bytes, so that a worker's audit crosses to the parent as one copy rather
    than being encoded by pickle, decoded, and encoded again to be written."""
    messages: list[str] = field(default_factory=list)


# --- files ---------------------------------------------------------------------


_made_dirs: set[str] = set()
"""Folders this process has created or found: one ``mkdir`` per folder, not per file."""


def ensure_dir(folder: str | os.PathLike[str]) -> None:
    key = os.fspath(folder)
    if key not in _made_dirs:
        os.makedirs(key, exist_ok=True)
        _made_dirs.add(key)


_tmp_names = itertools.count()


def atomic_write(path: str | os.PathLike[str], data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that no reader ever sees a partial file: it is
    written under a temporary name in the same folder and renamed into place. A new
    file gets the usual permissions (0666 less the umask); ``mode`` sets others (``fix``
    keeps those of the file it rewrites).

    No ``fsync`` per file: an interrupted or killed run never leaves a partial file
    either way, and one sync per file cost more than cleaning it. (As with editors and
    formatters, what reaches the disk after a power cut is the file system's business.)
    Paths are handled as strings: this runs once per output file, and ``pathlib``
    objects cost more than the system calls here.
    """
    target = os.fspath(path)
    folder, name = os.path.split(target)
    folder = folder or "."
    ensure_dir(folder)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(folder, f".{name}.{os.getpid()}-{next(_tmp_names)}{TMP_SUFFIX}")
        try:
            fd = os.open(tmp, flags, 0o666)
            break
        except FileExistsError:  # left by a process that had this pid before
            continue
        except FileNotFoundError:  # the folder went away since it was made: make it again
            _made_dirs.discard(folder)
            ensure_dir(folder)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


ESCAPE = "backslashreplace"
"""How the manifest, the audit and JSONL output encode a lone surrogate (a file name
that is not UTF-8, as ``os`` hands it over, or one in a JSON string): as the JSON
escape ``\\udcc8``, which reads back as the same string (``os.fsencode`` then gives the
name's bytes). Every other character is written as UTF-8."""


def read_regular_file(path: str) -> bytes | None:
    """The bytes of ``path``, or None when it is not a regular file (a device, pipe or
    socket: opened without blocking, never read)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        chunks = []
        want = info.st_size + 1  # one more: a file that grew is read to its end
        while chunk := os.read(fd, max(want, 1 << 16)):
            chunks.append(chunk)
            want = 1 << 20
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def check_dirs(in_dir: Path, out_dir: Path) -> None:
    if not in_dir.exists():
        raise RunError(f"input folder {in_dir} does not exist")
    if not in_dir.is_dir():
        raise RunError(f"input {in_dir} is not a folder")
    rin, rout = in_dir.resolve(), out_dir.resolve()
    if rout == rin or rin in rout.parents:
        raise RunError(f"output folder {out_dir} lies inside the input folder {in_dir}; choose an output folder outside it")
    if rout in rin.parents:
        raise RunError(f"input folder {in_dir} lies inside the output folder {out_dir}; choose an output folder outside it")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot create output folder {out_dir}: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise RunError(f"output folder {out_dir} is not writable")


def list_inputs(in_dir: Path) -> Iterator[tuple[str, str]]:
    """(path, relative posix path) of every file under ``in_dir``, in sorted order.

    Links to folders are not followed (no loops); links to files are read like files.
    Hidden entries (names starting with ".") are passed over: version-control folders
    and editor leftovers are not documents.
    """
    def walk(folder: str, rel: str) -> Iterator[tuple[str, str]]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            if not rel:
                raise RunError(f"cannot read input folder {in_dir}: {exc.strerror or exc}") from None
            yield folder, rel  # an input that cannot be read: reported as such, never passed over
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(entry.path, child_rel)
            elif entry.is_symlink() and os.path.isdir(entry.path):
                continue
            else:
                yield entry.path, child_rel

    yield from walk(str(in_dir), "")


def output_paths(rel: str, count: int, folder: str | None = None) -> list[str]:
    """Where the segments of input ``rel`` go, relative to OUT: ``rel`` itself for one,
    else numbered files in ``folder`` (by default ``rel`` without its extension, or
    ``rel.d`` when it has none; see :func:`part_folders`)."""
    if count == 1:
        return [rel]
    stem = folder or _spec_folder(rel)
    width = max(2, len(str(count)))
    return [f"{stem}/{i:0{width}d}.txt" for i in range(1, count + 1)]


def _spec_folder(rel: str) -> str:
    return rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel + ".d"


RESERVED = (MANIFEST, AUDIT, PARTS_DIR)
"""Names at the top of OUT that the run itself writes: no input's output may take them."""


_RESERVED_KEYS = frozenset(name.casefold() for name in RESERVED)


def takes_reserved_name(rel: str) -> bool:
    """Whether input ``rel``'s output would sit at (or under) a name the run writes, or
    end like the run's temporary files (which every run sweeps)."""
    key = _fold(rel)
    return key.split("/", 1)[0] in _RESERVED_KEYS or key.endswith(TMP_SUFFIX)


def _fold(path: str) -> str:
    """A path as file systems that ignore case or Unicode normalization (macOS,
    Windows) tell names apart: two paths with one key would be one file there."""
    return unicodedata.normalize("NFC", path.casefold())


def part_folders(rels: list[str]) -> dict[str, str]:
    """The inputs whose documents, should they hold several, cannot go to the usual
    folder (``a/b`` for ``a/b.txt``), and the folder each gets instead. Chosen before
    any input is cleaned, so that no output can land on another's, whatever each input
    turns out to hold and in whatever order workers finish.

    The usual folder is claimed by an input of that very path, inputs inside it
    (``a/b/01.txt``), another input with the same usual folder (``a/b.md``: then
    neither keeps it), or a name the run writes itself (``manifest.jsonl``); names that
    differ only in case count as the same. Such an input's documents go to its own name
    plus ``.d`` (``a/b.txt.d/01.txt``), with more ``.d`` while that is claimed too.
    (Sets of names only, and only the exceptions kept: a run over a million files
    plans this in little memory.)"""
    names = set(map(_fold, rels))
    folders = _folders_holding(names)
    usual_keys = [_fold(_spec_folder(rel)) for rel in rels]
    usual: set[str] = set()
    shared: set[str] = set()
    for key in usual_keys:
        if key in usual:
            shared.add(key)
        usual.add(key)

    def claimed(key: str) -> bool:
        return key in names or key in folders or key in _RESERVED_KEYS

    moved: dict[str, str] = {}
    for rel, key in zip(rels, usual_keys):
        if key in shared or claimed(key):
            stem = rel + ".d"
            while claimed(_fold(stem)) or _fold(stem) in usual:
                stem += ".d"
            moved[rel] = stem
            usual.add(_fold(stem))  # (no later input takes it)
    return moved


def _folders_holding(paths: set[str]) -> set[str]:
    """Every folder that holds one of ``paths`` (``a`` and ``a/b`` for ``a/b/c.txt``)."""
    folders: set[str] = set()
    for path in paths:
        cut = path.rfind("/")
        while cut > 0 and path[:cut] not in folders:
            folders.add(path[:cut])
            cut = path.rfind("/", 0, cut)
    return folders


def part_folder(rel: str, moved: dict[str, str]) -> str:
    """Where input ``rel``'s documents go should it hold several (see :func:`part_folders`)."""
    return moved.get(rel) or _spec_folder(rel)


def old_part_folders(out_dir: Path, rels: list[str], moved: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """For a run into an OUT an earlier run wrote, over perhaps another set of inputs:
    the folders under OUT where that run may have put an input's documents (its usual
    folder, or its name plus ``.d``) that this run gives to nothing else. What is left
    there is stale; the input's rerun clears it. Only folders that exist are listed."""
    names = set(map(_fold, rels))
    used = names | _folders_holding(names) | _RESERVED_KEYS | {_fold(part_folder(rel, moved)) for rel in rels}
    listed: dict[str, set[str]] = {}  # the folders in each folder of OUT, one listing each

    def is_folder(path: str) -> bool:
        parent, _, name = path.rpartition("/")
        if parent not in listed:
            try:
                with os.scandir(os.path.join(out_dir, parent)) as entries:
                    listed[parent] = {e.name for e in entries if e.is_dir(follow_symlinks=False)}
            except OSError:
                listed[parent] = set()
        return name in listed[parent]

    old: dict[str, tuple[str, ...]] = {}
    for rel in rels:
        now = part_folder(rel, moved)
        spare = tuple(f for f in dict.fromkeys((_spec_folder(rel), rel + ".d")) if f != now and is_folder(f) and _fold(f) not in used)
        if spare:
            old[rel] = spare
    return old


# --- one input -------------------------------------------------------------------

@dataclass(frozen=True)
class Format:
    """How inputs are read: plain text files, or JSON Lines with a text field."""

    kind: str = "text"  # "text" or "jsonl"
    text_field: str = "text"


_worker: tuple[Cleaner, Path, Format] | None = None
_built: Cleaner | None = None
"""The parent's chain while its pool runs: a forked worker uses it instead of building it again."""


def _init_worker(profile: Profile, out_dir: str, fmt: Format) -> None:
    global _worker
    # The parent decides when to stop: Ctrl-C reaches the whole process group, and a
    # forked worker would otherwise inherit the CLI's SIGTERM handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _made_dirs.clear()  # a forked worker inherits the parent's set: this run's folders are its own
    cleaner = _built if _built is not None and _built.profile is profile else Cleaner(profile)
    _worker = (cleaner, Path(out_dir), fmt)


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent is gone (killed with SIGKILL, crashed) would wait for work
    forever, deaf to the signals it ignores: it leaves too. Whatever it was writing is a
    temporary file, swept by the next run."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _process(task: Task) -> Outcome:
    assert _worker is not None
    cleaner, out_dir, fmt = _worker
    return process_safely(cleaner, out_dir, task, fmt)


def process_safely(cleaner: Cleaner, out_dir: Path, task: Task, fmt: Format = Format()) -> Outcome:
    """:func:`process_one`, with any unexpected failure (a bug, no memory left, a folder
    under OUT that cannot be created) turned into an error record for that input."""
    try:
        return process_one(cleaner, out_dir, task, fmt)
    except Exception as exc:
        record = base_record(task.rel)
        if isinstance(exc, OSError):
            what = f"{exc.strerror or exc}"
        else:
            what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        record.update(status="error", error=f"internal error: {what}", bytes=task.size)
        return Outcome(record)


def base_record(rel: str) -> dict[str, Any]:
    return {
        "source": rel,
        "status": "ok",
        "error": None,
        "encoding": None,
        "collection_title": None,
        "declared_count": None,
        "segments": [],
        "warnings": [],
        "changes": {},
        "bytes": 0,
    }


def process_one(cleaner: Cleaner, out_dir: Path, task: Task, fmt: Format = Format()) -> Outcome:
    """Clean one input file and write its segments; never raises for bad input."""
    record = base_record(task.rel)
    if takes_reserved_name(task.rel):
        record.update(status="error", error=f"its output would take the place of a file the run writes itself ({MANIFEST}, {AUDIT} or a temporary *{TMP_SUFFIX}): move or rename it")
        return Outcome(record)
    try:
        if fmt.kind == "jsonl":
            if not stat.S_ISREG(os.stat(task.path).st_mode):
                record.update(status="skipped", error="not a regular file (a device, pipe or socket)")
                return Outcome(record)
            if not task.rel.endswith(".jsonl"):
                record.update(status="skipped", error="not a .jsonl file (--format jsonl reads only those)")
                return Outcome(record)
            return process_jsonl(cleaner, out_dir, task, fmt, record)
        data = read_regular_file(task.path)
        if data is None:
            record.update(status="skipped", error="not a regular file (a device, pipe or socket)")
            return Outcome(record)
        box = [data]
        del data
    except OSError as exc:
        record.update(status="error", error=f"cannot read the file: {exc.strerror or exc}")
        return Outcome(record)
    record["bytes"] = len(box[0])
    audit = AuditBuffer(audit_part_path(out_dir, task))
    try:
        # Hand the bytes over rather than keep a reference here: the chain can then
        # let go of them once decoded (a 200 MB input is 200 MB less at the peak).
        result = cleaner.clean(box.pop(), sink=audit_writer(audit, audit_head(task.rel)))
    except NotText as exc:
        audit.discard()
        record.update(status="skipped", error=str(exc))
        return Outcome(record)
    except Exception as exc:  # a bug in a filter must not stop the run
        audit.discard()
        record.update(status="error", error=f"internal error while cleaning: {type(exc).__name__}: {exc}")
        return Outcome(record)
    except BaseException:
        audit.discard()
        raise
    try:
        write_segments(out_dir, task.rel, result, record, task.part_folder, (task.part_folder, *task.old_folders) if task.prune else ())
    except OSError as exc:
        audit.discard()
        record.update(status="error", error=f"cannot write output: {exc.strerror or exc}", segments=[])
        return Outcome(record)
    return audit.outcome(record)


def audit_part_path(out_dir: Path, task: Task) -> Path:
    return out_dir / PARTS_DIR / f"{task.index:08d}.jsonl"


class AuditBuffer:
    """The audit records of one input: kept in memory while short, moved to a part file
    under OUT once they pass :attr:`LIMIT` characters (a huge input's audit never sits in
    memory, and a small one costs no file)."""

    LIMIT = 1 << 22

    def __init__(self, part: Path) -> None:
        self.part = part
        self.chunks: list[str] = []
        self.size = 0
        self.file: TextIO | None = None

    def write(self, text: str) -> None:
        if self.file is not None:
            self.file.write(text)
            return
        self.chunks.append(text)
        self.size += len(text)
        if self.size > self.LIMIT:
            ensure_dir(self.part.parent)
            self.file = open(self.part, "w", encoding="utf-8", errors=ESCAPE)
            self.file.write("".join(self.chunks))
            self.chunks = []

    def outcome(self, record: dict[str, Any]) -> Outcome:
        if self.file is None:
            return Outcome(record, audit="".join(self.chunks).encode("utf-8", ESCAPE))
        self.file.close()
        return Outcome(record, audit_part=str(self.part))

    def discard(self) -> None:
        self.chunks = []
        if self.file is not None:
            self.file.close()
            self.part.unlink()


def process_jsonl(cleaner: Cleaner, out_dir: Path, task: Task, fmt: Format, record: dict[str, Any]) -> Outcome:
    """Clean the text field of every JSON line; write one record per segment.

    Each output record keeps the input record's other fields, replaces the text field
    with the segment's text (no final newline) and adds ``segment`` (1-based) and
    ``title``. A bad line is skipped and reported with its line number, never dropped
    silently. Audit entries carry the input ``line``.
    """
    field_name = fmt.text_field
    target = out_dir / task.rel
    ensure_dir(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    parts_dir = out_dir / PARTS_DIR
    ensure_dir(parts_dir)
    part = parts_dir / f"{task.index:08d}.jsonl"
    counts = {"in": 0, "out": 0, "bad": 0}
    changes: dict[str, int] = {}
    warnings: list[str] = []
    bad_lines: list[str] = []
    try:
        with open(task.path, "rb") as src, os.fdopen(fd, "w", encoding="utf-8", errors=ESCAPE) as dst, open(part, "w", encoding="utf-8", errors=ESCAPE) as audit:
            for number, raw in enumerate(src, 1):
                if not raw.strip():
                    continue
                counts["in"] += 1
                problem = None
                try:
                    obj = json.loads(raw)
                except ValueError as exc:
                    problem = f"not valid JSON ({exc.msg if hasattr(exc, 'msg') else exc})"
                else:
                    if not isinstance(obj, dict):
                        problem = "not a JSON object"
                    elif not isinstance(obj.get(field_name), str):
                        problem = f"no string field {field_name!r}"
                if problem:
                    counts["bad"] += 1
                    bad_lines.append(f"line {number}: {problem}; skipped")
                    continue

                result = cleaner.clean(obj[field_name], sink=audit_writer(audit, audit_head(task.rel, number)))
                for name, n in result.changes.items():
                    changes[name] = changes.get(name, 0) + n
                warnings.extend(f"line {number}: {w}" for w in result.warnings)
                for k, seg in enumerate(result.segments, 1):
                    out = dict(obj)
                    out[field_name] = seg.text[:-1] if seg.text.endswith("\n") else seg.text
                    out["segment"] = k
                    out["title"] = seg.title
                    dst.write(json.dumps(out, ensure_ascii=False) + "\n")
                    counts["out"] += 1
        os.replace(tmp, target)
    except OSError as exc:
        for leftover in (tmp, part):
            try:
                os.unlink(leftover)
            except OSError:
                pass
        record.update(status="error", error=f"cannot read or write: {exc.strerror or exc}")
        return Outcome(record)
    except BaseException:
        for leftover in (tmp, part):
            try:
                os.unlink(leftover)
            except OSError:
                pass
        raise
    record.update(
        encoding="utf-8",
        bytes=task.size,
        segments=[{"path": task.rel, "title": None, "chars": target.stat().st_size}],
        records=counts,
        warnings=bad_lines + warnings,
        changes=changes,
    )
    return Outcome(record, str(part))


_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]


def audit_head(source: str, line: int | None = None) -> str:
    """The start of every audit record of one input (or of one JSONL line)."""
    head = '{"source": ' + _quote(source) + ", "
    return head if line is None else head + f'"line": {line}, '


def audit_writer(out: TextIO, head: str) -> EditSink:
    """A sink that writes each batch of edits to ``out`` as audit records, byte for byte
    what ``json.dumps(record, ensure_ascii=False)`` writes for the keys source, [line],
    filter, start, end, old, new, [segment]: built directly, because the audit can hold
    millions of records and this is several times cheaper."""

    def sink(name: str, segment: int | None, edits: list[RawEdit]) -> None:
        lead = f'{head}"filter": {_quote(name)}, "start": '
        tail = "}\n" if segment is None else f', "segment": {segment}}}\n'
        out.write("".join([f'{lead}{s}, "end": {e}, "old": {_quote(o)}, "new": {_quote(n)}{tail}' for s, e, o, n in edits]))

    return sink


def write_segments(out_dir: Path, rel: str, result: Result, record: dict[str, Any], folder: str, stale: tuple[str, ...]) -> None:
    """Write the segments (several go to ``folder``); then clear what an earlier run left
    for this input: its single file and the documents in the ``stale`` folders, but for
    what was just written (no ``stale`` folders: nothing to look for)."""
    paths = output_paths(rel, len(result.segments), folder)
    for seg, relpath in zip(result.segments, paths):
        atomic_write(os.path.join(out_dir, relpath), seg.text.encode("utf-8"))
    if stale:
        _remove_stale(out_dir, rel, paths, stale)
    record.update(
        encoding=result.encoding,
        collection_title=result.collection_title,
        declared_count=result.declared_count,
        segments=[{"path": p, "title": s.title, "chars": len(s.text)} for p, s in zip(paths, result.segments)],
        warnings=result.warnings,
        changes=result.changes,
    )


def _remove_stale(out_dir: Path, rel: str, written: list[str], folders: tuple[str, ...]) -> None:
    """Drop what an earlier run wrote for the same input in another layout: the single
    file, or the documents in its folder (or in a folder it had before)."""
    keep = {out_dir / p for p in written}
    single = out_dir / rel
    if single not in keep and single.is_file():
        single.unlink(missing_ok=True)
    for folder in folders:
        parts = out_dir / folder
        if parts.is_dir():
            for old in parts.glob("*.txt"):
                if old not in keep:
                    old.unlink(missing_ok=True)  # (two inputs may clear one old folder at once)


# --- the whole run ------------------------------------------------------------------


def read_done(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Records of inputs an earlier run finished (for ``--resume``)."""
    done: dict[str, dict[str, Any]] = {}
    manifest = out_dir / MANIFEST
    if not manifest.is_file():
        return done
    with open(manifest, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a line cut short by an interruption
            if not isinstance(rec, dict) or rec.get("status") not in ("ok", "skipped"):
                continue
            try:
                if isinstance(rec["source"], str) and all((out_dir / s["path"]).is_file() for s in rec.get("segments", [])):
                    done[rec["source"]] = rec
            except (KeyError, TypeError):
                continue  # not a record this program wrote
    # Records that name one file between them (written by a version that let outputs
    # collide) cannot all be true: those inputs are redone.
    named = collections.Counter(_fold(s["path"]) for rec in done.values() for s in rec.get("segments", []))
    if named and max(named.values()) > 1:
        done = {rel: rec for rel, rec in done.items() if all(named[_fold(s["path"])] == 1 for s in rec.get("segments", []))}
    return {rel: rec for rel, rec in done.items() if not takes_reserved_name(rel)}


class _PreviousAudit:
    """The audit lines of an earlier run for the inputs that ``--resume`` skips, found
    once and copied back one input at a time (never the whole file in memory)."""

    def __init__(self, out_dir: Path, sources: set[str]) -> None:
        self.spans: dict[str, list[tuple[int, int]]] = {}
        self.fh: IO[bytes] | None = None
        path = out_dir / AUDIT
        if not sources or not path.is_file():
            return
        # Kept open: the file stays readable after this run's audit replaces its name.
        self.fh = open(path, "rb")
        offset = 0
        for raw in self.fh:
            try:
                entry = json.loads(raw)
                source = entry.get("source") if isinstance(entry, dict) else None
            except ValueError:
                source = None  # a line cut short by an interruption
            if source in sources and raw.endswith(b"\n"):
                spans = self.spans.setdefault(source, [])
                if spans and sum(spans[-1]) == offset:
                    spans[-1] = (spans[-1][0], spans[-1][1] + len(raw))
                else:
                    spans.append((offset, len(raw)))
            offset += len(raw)

    def copy(self, source: str, dst: IO[bytes]) -> None:
        if self.fh is None:
            return
        for start, length in self.spans.pop(source, ()):
            self.fh.seek(start)
            while length > 0 and (chunk := self.fh.read(min(length, 1 << 20))):
                dst.write(chunk)
                length -= len(chunk)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


class _Journal:
    """OUT/manifest.jsonl and OUT/audit.jsonl, grown one finished input at a time.

    Both are written under temporary names. A second name for each growing file is
    swapped in atomically, the manifest's first, so that the real names show every
    finished input (that is what ``--resume`` reads back). The swaps happen while the
    files hold no record of this run's cleaning: at the start of a fresh run (empty
    files), or in a resumed run just before its first newly cleaned input is written
    (only records carried over, whose audit lines the earlier audit holds too). So an
    interruption between the two swaps leaves a manifest whose every record has its
    lines in the audit beside it. An interrupted run cuts both back to the last input
    that was published: never half a record, never a record without its audit lines.
    """

    NAMES = (MANIFEST, AUDIT)

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.files: dict[str, IO[bytes]] = {}
        try:
            for name in self.NAMES:
                self.files[name] = open(out_dir / (name + TMP_SUFFIX), "wb")
        except OSError as exc:
            self.close(finished=False)
            raise RunError(f"cannot write in the output folder {out_dir}: {exc.strerror or exc}") from None
        self.published = {name: 0 for name in self.NAMES}
        self.linked = False

    def commit(self, record: dict[str, Any], part: str | None, data: bytes = b"", previous: _PreviousAudit | None = None) -> None:
        audit = self.files[AUDIT]
        if previous is not None:
            previous.copy(record["source"], audit)
        if data:
            audit.write(data)
        if part:
            with open(part, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    audit.write(chunk)
            os.unlink(part)
        self.files[MANIFEST].write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", ESCAPE))

    def publish(self) -> None:
        ends = {}
        for name, fh in self.files.items():
            fh.flush()
            ends[name] = fh.tell()
        # Both ends at once: an interruption in between (a signal during the audit's
        # flush) must not leave the manifest's new end with the audit's old one.
        self.published = ends
        if self.linked:
            return  # the real names already are the growing files
        for name in self.NAMES:
            tmp = self.out_dir / (name + TMP_SUFFIX)
            link = self.out_dir / (name + ".publish" + TMP_SUFFIX)
            try:
                os.link(tmp, link)  # a second name for the growing file ...
                os.replace(link, self.out_dir / name)  # ... swapped in atomically
            except OSError:
                return  # no hard links here: the real names appear when the run ends
        self.linked = True

    def close(self, finished: bool) -> None:
        for name, fh in self.files.items():
            try:
                if not finished and self.linked:
                    fh.truncate(self.published[name])  # drop what was not published
            except OSError:
                pass
            finally:
                fh.close()
        if finished:
            for name in self.NAMES:
                tmp = self.out_dir / (name + TMP_SUFFIX)
                if self.linked:
                    tmp.unlink()  # the real name is a link to the same file already
                else:
                    os.replace(tmp, self.out_dir / name)


def sweep_temporaries(out_dir: Path) -> None:
    for tmp in out_dir.rglob(f"*{TMP_SUFFIX}"):
        try:
            tmp.unlink()
        except OSError:
            pass
    parts = out_dir / PARTS_DIR
    if parts.is_dir():
        for p in parts.iterdir():
            p.unlink()
        parts.rmdir()


def run(
    in_dir: Path,
    out_dir: Path,
    profile: Profile,
    *,
    jobs: int = 1,
    resume: bool = False,
    fmt: Format = Format(),
    on_input: Callable[[dict[str, Any]], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    cleaner: Cleaner | None = None,
) -> RunSummary:
    """Clean every file under ``in_dir`` into ``out_dir``. ``on_input`` is called with each
    finished manifest record (in input order); ``on_start`` with (files, bytes).

    A KeyboardInterrupt (Ctrl-C, or SIGTERM with :func:`install_sigterm_handler`) stops
    the run cleanly and propagates: outputs are whole files, the manifest lists the
    inputs that were finished and no temporary file is left. ``cleaner``, when given,
    is ``profile``'s chain already built (saves building it again).
    """
    # Into an empty OUT no earlier run has written: nothing stale to look for per input.
    fresh = _empty_or_missing(out_dir)
    check_dirs(in_dir, out_dir)
    _made_dirs.clear()
    sweep_temporaries(out_dir)
    done = read_done(out_dir) if resume else {}
    tasks: list[Task] = []
    inputs = list(list_inputs(in_dir))
    rels = [rel for _, rel in inputs]
    text_files = fmt.kind == "text"
    moved = part_folders(rels) if text_files else {}
    old_folders = old_part_folders(out_dir, rels, moved) if text_files and not fresh else {}
    for i, (path, rel) in enumerate(inputs):
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0
        tasks.append(Task(i, path, rel, size, prune=not fresh, folder=moved.get(rel), old_folders=old_folders.get(rel, ())))
    del rels, moved, old_folders
    if text_files and done:
        # A record of an earlier run whose documents sit elsewhere than this run puts
        # them (the inputs beside it changed) is redone, not trusted.
        here = {task.rel: task.part_folder for task in tasks if task.rel in done}
        done = {rel: rec for rel, rec in done.items() if rel not in here or _placed_as_now(rec, here[rel])}
    summary = RunSummary(inputs=len(tasks))
    if on_start:
        on_start(len(tasks), sum(t.size for t in tasks))

    todo = [task for task in tasks if task.rel not in done]
    previous = _PreviousAudit(out_dir, set(done)) if done else None
    finished = closed = False
    try:
        journal = _Journal(out_dir)
        try:
            shown = not resume
            if shown:
                journal.publish()  # a fresh run: the old manifest no longer describes OUT
            outcomes = _outcomes(todo, cleaner if cleaner is not None and cleaner.profile is profile else Cleaner(profile), out_dir, jobs, fmt)
            try:
                for task in tasks:
                    if task.rel in done:
                        record = done.pop(task.rel)
                        summary.resumed += 1
                        # Published with the next fresh input: until then the earlier
                        # manifest, which lists this one, stays in place.
                        journal.commit(record, None, previous=previous)
                    else:
                        outcome = next(outcomes)
                        record = outcome.record
                        if not shown:
                            journal.publish()  # (see _Journal: before this run's first record)
                            shown = True
                        journal.commit(record, outcome.audit_part, outcome.audit)
                        journal.publish()
                    _tally(summary, record)
                    if on_input:
                        on_input(record)
                finished = True
            finally:
                # Workers finish the inputs in hand before anything is swept, so nothing
                # is written under OUT after this run returns.
                outcomes.close()
        finally:
            journal.close(finished)
            closed = True  # (not reached when interrupted inside close: its temporaries are swept)
    finally:
        if previous is not None:
            previous.close()
        if finished and closed and not summary.errors:
            # Every output was renamed into place and every part copied: only the
            # (empty) parts folder may be left, no need to walk all of OUT.
            try:
                (out_dir / PARTS_DIR).rmdir()
            except OSError:
                pass
        else:  # interrupted, or a worker died mid-write: sweep what it left
            sweep_temporaries(out_dir)
    return summary


def _placed_as_now(record: dict[str, Any], folder: str) -> bool:
    """Whether an earlier run's record put its documents where this run would."""
    paths = [segment["path"] for segment in record.get("segments", [])]
    return not paths or paths == output_paths(record["source"], len(paths), folder)


def _empty_or_missing(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _tally(summary: RunSummary, record: dict[str, Any]) -> None:
    status = record["status"]
    summary.ok += status == "ok"
    summary.skipped += status == "skipped"
    summary.errors += status == "error"
    summary.segments += len(record.get("segments", []))
    summary.bytes += record.get("bytes", 0)
    summary.warnings += len(record.get("warnings", []))


QUEUED_PER_WORKER = 2
"""Batches of inputs handed to the pool ahead of the one the manifest waits for, per
worker: enough to keep every worker busy, few enough that a folder of a million files is
not a million pending tasks."""


def _outcomes(todo: list[Task], cleaner: Cleaner, out_dir: Path, jobs: int, fmt: Format) -> Iterator[Outcome]:
    """The outcome of every task, in input order, so a --jobs N manifest is that of --jobs 1."""
    if jobs <= 1 or len(todo) <= 1:
        for task in todo:
            yield process_safely(cleaner, out_dir, task, fmt)
        return
    global _built
    queue = collections.deque(todo)
    suspects: collections.deque[Task] = collections.deque()
    _built = cleaner  # forked workers find it built; others build their own from the profile
    try:
        while queue or suspects:
            with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(cleaner.profile, str(out_dir), fmt)) as pool:
                yield from _pool_outcomes(pool, queue, suspects, jobs)
    finally:
        _built = None


def _pool_outcomes(
    pool: ProcessPoolExecutor, queue: collections.deque[Task], suspects: collections.deque[Task], jobs: int
) -> Iterator[Outcome]:
    """Run tasks in ``pool`` until none is left or a worker dies (killed for want of
    memory, a crash in a C library). The inputs in flight when a worker died (those of
    every batch handed to the pool and not yet taken back) are then retried one at a
    time, in a new pool (and a new one again after each that kills its worker), so
    that only an input that kills a worker becomes an error and the run goes on."""
    window: collections.deque[tuple[list[Task], Future[list[Outcome]]]] = collections.deque()
    try:
        while suspects:
            try:
                outcome = pool.submit(_process, suspects[0]).result()
            except BrokenProcessPool:
                yield Outcome(_died(suspects.popleft()))
                return  # this pool is broken; the caller starts another
            suspects.popleft()
            yield outcome
        while queue or window:
            while queue and len(window) < jobs * QUEUED_PER_WORKER:
                batch = _next_batch(queue)
                try:
                    future = pool.submit(_process_batch, batch)
                except BrokenProcessPool:
                    queue.extendleft(reversed(batch))
                    if not window:
                        suspects.append(queue.popleft())
                    break
                window.append((batch, future))
            if not window:
                return
            try:
                outcomes = window[0][1].result()
            except BrokenProcessPool:
                suspects.extend(task for batch, _ in window for task in batch)
                window.clear()
                return
            window.popleft()
            yield from outcomes
    except BaseException:
        # Interrupted (or closed early): drop what is queued, let the workers finish the
        # inputs in hand, and only then return. (A shutdown(wait=False) here would make
        # the with-block's own shutdown return at once, leaving workers writing.)
        for _, future in window:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        raise


BATCH_BYTES = 1 << 18
BATCH_FILES = 32
"""Small inputs go to a worker several at a time, up to these bounds (an input larger
than BATCH_BYTES goes alone): a round trip to a worker for each input cost the parent
more than cleaning a small file does."""

BATCH_AUDIT_BYTES = 1 << 20
"""The audit a batch's outcomes carry in memory besides the first one in the batch (kept
whatever its size, up to :attr:`AuditBuffer.LIMIT`, as a lone input's is): past it, an
input's audit goes to its part file, as a long audit does. A small input can have a
large audit (every record repeats its path), so a batch's memory is bounded by this,
not by its inputs' sizes."""


def _next_batch(queue: collections.deque[Task]) -> list[Task]:
    """The next inputs from ``queue``, in order: one, and then as many more as the bounds allow."""
    batch = [queue.popleft()]
    size = batch[0].size
    while queue and len(batch) < BATCH_FILES and size + queue[0].size <= BATCH_BYTES:
        size += queue[0].size
        batch.append(queue.popleft())
    return batch


def _process_batch(tasks: list[Task]) -> list[Outcome]:
    assert _worker is not None
    out_dir = _worker[1]
    outcomes = []
    kept = 0
    for task in tasks:
        outcome = _process(task)
        if outcome.audit:
            if kept and kept + len(outcome.audit) > BATCH_AUDIT_BYTES:
                outcome = _spill_audit(outcome, audit_part_path(out_dir, task))
            else:
                kept += len(outcome.audit)
        outcomes.append(outcome)
    return outcomes


def _spill_audit(outcome: Outcome, part: Path) -> Outcome:
    """The outcome with its audit moved to the part file ``part`` (or as it was, should
    that file not be writable: an audit is never dropped)."""
    try:
        atomic_write(part, outcome.audit)
    except OSError:
        return outcome
    outcome.audit_part, outcome.audit = str(part), b""
    return outcome


def _died(task: Task) -> dict[str, Any]:
    record = base_record(task.rel)
    record.update(
        status="error",
        error="the worker process died while cleaning this file (out of memory?)",
        bytes=task.size,
    )
    return record


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def install_sigterm_handler() -> None:
    """Let SIGTERM stop a run the way Ctrl-C does (temporary files swept, no partial output)."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    if sys.platform != "win32":
        signal.signal(signal.SIGTERM, handler)
