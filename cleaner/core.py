"""The pieces every filter is built from: edits, the per-document report, options and
the ``Filter`` base class.

A filter is pure: it receives text and a :class:`Report`, returns new text, and tells
the report about every span it removed or replaced. It never reads files, parses
arguments or prints.
"""
from __future__ import annotations

import collections
import re
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterable, Mapping, NamedTuple, Protocol, Sequence

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
"""Han ideographs (CJK unified, extension A, compatibility, extensions B and later)."""

CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\u2022\u2027\ufe30-\ufe4f"
"""Chinese (full-width) punctuation, quotes, dashes, ellipsis and middle dots."""


class Edit(NamedTuple):
    """One change: ``old`` at ``[start, end)`` of the text the filter received became ``new``.

    A named tuple rather than a dataclass: filters make thousands of edits per megabyte
    and a tuple is several times cheaper to create.
    """

    filter: str
    start: int
    end: int
    old: str
    new: str
    segment: int | None = None
    """Which segment the span is in, for edits made after the text was split; else None."""

    def as_dict(self) -> dict[str, Any]:
        name, start, end, old, new, segment = self  # one unpacking, not six attribute reads
        if segment is None:
            return {"filter": name, "start": start, "end": end, "old": old, "new": new}
        return {"filter": name, "start": start, "end": end, "old": old, "new": new, "segment": segment}


@dataclass(slots=True)
class Segment:
    """One document found in the input: its title (first line) and its text."""

    text: str
    title: str | None = None


RawEdit = tuple[int, int, str, str]
"""An edit as a filter reports it: (start, end, old, new); the report adds who and where."""

EditSink = Callable[[str, "int | None", list[RawEdit]], None]
"""Receives a filter's edits in batches: ``sink(filter, segment, [(start, end, old, new), ...])``."""

_new_edit = tuple.__new__
"""``_new_edit(Edit, fields)`` builds an :class:`Edit` without the Python-level
``__new__`` of the named tuple (half the cost of an edit)."""

_FLUSH_AT = 1 << 16
"""Pending edits handed on at once: bounds the memory a huge input's edits hold."""


class Report:
    """Collects what happened to one input: edits, warnings and document facts.

    The chain sets :attr:`filter` (and, after the split, :attr:`segment`) before it
    calls each filter, so filters only say *what* changed; the report adds *who*.
    Edits are gathered in batches, one per filter run, and go to ``sink`` when one is
    given (the directory runner writes them to the audit trail), otherwise they are
    kept as :class:`Edit` in :attr:`edits`. Filters make tens of thousands of edits per
    megabyte, so :meth:`edit` does no more than append a tuple.
    """

    def __init__(self, sink: EditSink | None = None) -> None:
        self._filter = ""
        self._segment: int | None = None
        self._changes: collections.Counter[str] = collections.Counter()
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.facts: dict[str, Any] = {}
        self._kept: list[Edit] = []
        self._sink = sink
        self._pending: list[RawEdit] = []

    @property
    def filter(self) -> str:
        return self._filter

    @filter.setter
    def filter(self, name: str) -> None:
        if self._pending:
            self.flush()
        self._filter = name

    @property
    def segment(self) -> int | None:
        return self._segment

    @segment.setter
    def segment(self, number: int | None) -> None:
        if self._pending:
            self.flush()
        self._segment = number

    @property
    def changes(self) -> collections.Counter[str]:
        """Edits (and counted changes) per filter so far."""
        if self._pending:
            self.flush()
        return self._changes

    @property
    def edits(self) -> list[Edit]:
        """The edits so far (without a sink)."""
        if self._pending:
            self.flush()
        return self._kept

    def edit(self, start: int, end: int, old: str, new: str) -> None:
        pending = self._pending
        pending.append((start, end, old, new))
        if len(pending) >= _FLUSH_AT:
            self.flush()

    def add(self, edits: Iterable[RawEdit]) -> None:
        """Report many ``(start, end, old, new)`` edits at once."""
        self._pending.extend(edits)
        if len(self._pending) >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Hand the pending edits on (to the sink, or to :attr:`edits`)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        name, segment = self._filter, self._segment
        self._changes[name] += len(pending)
        if self._sink is not None:
            self._sink(name, segment, pending)
        else:
            self._kept.extend([_new_edit(Edit, (name, s, e, o, n, segment)) for s, e, o, n in pending])

    def count(self, n: int = 1) -> None:
        """Count ``n`` changes that are not worth a span each (line-ending normalization)."""
        self._changes[self._filter] += n

    def warn(self, message: str) -> None:
        if message not in self._warned:  # a set: thousands of segments may each warn
            self._warned.add(message)
            self.warnings.append(message)


class _Pattern(Protocol):
    def finditer(self, string: str) -> Iterable[Any]: ...


def substitute(pattern: _Pattern, repl: str | Callable[[Any], str | None], text: str, report: Report) -> str:
    """Replace every match of ``pattern`` in ``text`` and report each real change.

    ``repl`` is a template (as for ``Match.expand``) or a function of the match; a
    function may return ``None`` to leave a match alone. Works with ``re`` and ``regex``
    patterns; builds the result once (no repeated concatenation).
    """
    parts: list[str] = []
    done: list[RawEdit] = []
    pos = 0
    expand = repl if callable(repl) else (lambda m: m.expand(repl))  # type: ignore[arg-type, return-value]
    for m in pattern.finditer(text):
        new = expand(m)
        if new is None:
            continue
        old = m.group()
        if new == old:
            continue
        start, end = m.span()
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
        done.append((start, end, old, new))
    if not parts:
        return text
    parts.append(text[pos:])
    report.add(done)
    return "".join(parts)


def apply_edits(text: str, edits: Sequence[tuple[int, int, str]], report: Report) -> str:
    """Apply non-overlapping ``(start, end, new)`` replacements, sorted by start, and report them."""
    if not edits:
        return text
    parts: list[str] = []
    done: list[RawEdit] = []
    pos = 0
    for start, end, new in edits:
        old = text[start:end]
        if old == new:
            continue
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
        done.append((start, end, old, new))
    if not parts:
        return text
    parts.append(text[pos:])
    report.add(done)
    return "".join(parts)


LINE_BLOCK = 1 << 22
"""Characters per block for :func:`in_line_blocks` (about 8 MB of Chinese text in memory)."""


def in_line_blocks(apply: Callable[[str, Report], str], text: str, report: Report, block: int | None = None) -> str:
    """Run ``apply`` (a filter's work on whole text) over ``text`` one block of whole
    lines at a time, when the text is longer than ``block`` characters (by default
    :data:`LINE_BLOCK`; smaller for a filter that makes an edit every few characters).

    For filters whose every rule looks no further than the line it is on: the result
    and the reported edits are those of one call on the whole text, but the working
    lists such a filter builds (pieces, positions, edits) stay the size of a block, so
    a huge input does not cost several times its size in memory. A text no block
    changes is handed back itself.
    """
    size_limit = LINE_BLOCK if block is None else block
    if len(text) <= size_limit:
        return apply(text, report)
    pieces: list[str] = []
    changed = False
    start, size = 0, len(text)
    while start < size:
        cut = text.find("\n", start + size_limit)
        end = size if cut < 0 else cut + 1
        piece = text[start:end]
        found: list[RawEdit] = []
        sub = Report(lambda name, segment, edits: found.extend(edits))
        sub.filter = report.filter
        out = apply(piece, sub)
        sub.flush()
        if found:
            report.add([(s + start, e + start, old, new) for s, e, old, new in found])
        for message in sub.warnings:
            report.warn(message)
        report.facts.update(sub.facts)
        changed = changed or out != piece
        pieces.append(out)
        start = end
    return "".join(pieces) if changed else text


def contains(text: str, word: str) -> bool:
    """``word in text``, quicker when a character of ``word`` is missing from ``text``:
    looking for one character is several times faster than for a string."""
    for ch in word:
        if ch not in text:
            return False
    return len(word) == 1 or word in text


def literal_trie(words: Iterable[str]) -> str:
    """A regex (``re`` syntax) matching any of ``words``, the longest one where several
    start at the same place: the same matches as the alternation of the words sorted
    longest first, but shaped as a trie (``代(?:写|笔)``), so that the engine tests each
    character once instead of every word in turn. Empty for no words."""
    root: dict[str, Any] = {}
    for word in words:
        if not word:
            continue
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        # where a word ends, its longer continuations are tried first (greedy "?")
        return f"(?:{body})?" if "" in node else body

    return emit(root)


# ---------------------------------------------------------------------------
# Options: what a profile may set for a filter, checked when the profile loads.


@dataclass(frozen=True)
class Option:
    """One setting of a filter, as a profile writes it.

    ``type`` is ``bool``, ``int``, ``float``, ``str`` or ``list``. A ``list`` holds
    strings, or tables when ``columns`` is given (column name -> (type, required)).
    ``choices`` restricts a ``str``; ``regex`` says strings (or the ``regex_columns`` of
    tables) must compile as regular expressions.
    """

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    columns: Mapping[str, tuple[type, bool]] | None = None
    regex: bool = False
    regex_columns: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def describe_type(self) -> str:
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type is list:
            if self.columns:
                cols = ", ".join(f"{k} ({t.__name__}{'' if req else ', optional'})" for k, (t, req) in self.columns.items())
                return f"a list of tables with keys {cols}"
            return "a list of strings"
        name = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}[self.type]
        if self.minimum is not None or self.maximum is not None:
            lo = "" if self.minimum is None else f" >= {self.minimum:g}"
            hi = "" if self.maximum is None else f" <= {self.maximum:g}"
            name += lo + ("," if lo and hi else "") + hi
        return name


class Filter:
    """Base class of every text filter.

    Subclasses set :attr:`name` (the name profiles and the audit trail use),
    :attr:`summary` (one line for ``cleaner profiles show``) and :attr:`options`, and
    implement :meth:`apply`. ``__init__`` receives the validated options, all present,
    so compile patterns and build tables there, once.
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    options: ClassVar[tuple[Option, ...]] = ()

    def __init__(self, **config: Any) -> None:
        self.config = config

    def apply(self, text: str, report: Report) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {o.name: o.default for o in cls.options}

    def __repr__(self) -> str:
        return f"<filter {self.name}>"


class Splitter(Filter):
    """A filter that turns one text into several documents (the segmenter)."""

    def apply(self, text: str, report: Report) -> str:
        return "\n".join(s.text for s in self.split(text, report))

    def split(self, text: str, report: Report) -> list[Segment]:  # pragma: no cover - interface
        raise NotImplementedError


# Lists that profiles extend with ``key.add`` / ``key.remove`` rather than replace.
ListEdit = dict[str, list[Any]]


def merge_list(base: list[Any], change: ListEdit) -> list[Any]:
    """Apply ``{"add": [...], "remove": [...]}`` to an inherited list."""
    removed = change.get("remove", [])
    result = [item for item in base if item not in removed]
    result.extend(item for item in change.get("add", []) if item not in result)
    return result


Span = tuple[int, int, str]
"""An edit as (start, end, new text)."""


def compose_edits(prev: Sequence[Span], nxt: Sequence[Span], current: str) -> list[Span]:
    """Compose two rounds of edits into one.

    ``prev`` (sorted, not overlapping, spans in the original text) turned the original
    into ``current``; ``nxt`` (sorted, not overlapping, spans in ``current``) changes it
    further. The result has spans in the original text and turns it into the final
    text; edits of the two rounds that overlap become one edit.
    """
    if not prev:
        return list(nxt)
    if not nxt:
        return list(prev)
    # prev with its spans in `current`: (cs, ce, os, oe, shift it adds)
    items: list[tuple[int, int, int, int, int]] = []
    shift = 0
    for os_, oe, new in prev:
        cs = os_ + shift
        delta = len(new) - (oe - os_)
        items.append((cs, cs + len(new), os_, oe, delta))
        shift += delta

    def overlap(p: tuple[int, int, int, int, int], n: Span) -> bool:
        # a shared stretch, or an empty span strictly inside the other one
        return p[0] < n[1] and n[0] < p[1]

    out: list[Span] = []
    i = j = 0
    shift = 0  # current - original, after the prev edits handled so far
    while i < len(items) or j < len(nxt):
        take_prev = j >= len(nxt) or (i < len(items) and (items[i][0], items[i][1]) <= (nxt[j][0], nxt[j][1]))
        ps: list[tuple[int, int, int, int, int]] = []
        ns: list[Span] = []
        if take_prev:
            ps.append(items[i])
            i += 1
        else:
            ns.append(nxt[j])
            j += 1
        grown = True
        while grown:
            grown = False
            if ps and j < len(nxt) and overlap(ps[-1], nxt[j]):
                ns.append(nxt[j])
                j += 1
                grown = True
            if ns and i < len(items) and overlap(items[i], ns[-1]):
                ps.append(items[i])
                i += 1
                grown = True
        if not ns:
            p = ps[0]
            out.append((p[2], p[3], current[p[0]:p[1]]))
            shift += p[4]
            continue
        start = min(ps[0][0], ns[0][0]) if ps else ns[0][0]
        end = max(ps[-1][1], ns[-1][1]) if ps else ns[-1][1]
        ostart = ps[0][2] if ps and ps[0][0] == start else start - shift
        shift += sum(p[4] for p in ps)
        oend = ps[-1][3] if ps and ps[-1][1] == end else end - shift
        pieces: list[str] = []
        pos = start
        for s, e, new in ns:
            pieces.append(current[pos:s])
            pieces.append(new)
            pos = e
        pieces.append(current[pos:end])
        out.append((ostart, oend, "".join(pieces)))
    return out
