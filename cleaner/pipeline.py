"""The chain: a profile's filters, built once, run over one input at a time."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.core import Edit, EditSink, Filter, Report, Segment, Splitter, apply_edits
from cleaner.filters import filter_class
from cleaner.filters.decode import Decode, NotText
from cleaner.profile import Profile, load_profile

LAYOUT = "layout"
"""Name, in the audit trail, of the final step that gives each segment its clean shape."""

_LINE_SPACE = " \t\u3000\u00a0\u2002\u2003\u2009\u200a\u202f\u205f"


@dataclass
class Result:
    """What cleaning one input produced."""

    segments: list[Segment]
    warnings: list[str] = field(default_factory=list)
    changes: dict[str, int] = field(default_factory=dict)
    audit: list[Edit] = field(default_factory=list)
    encoding: str | None = None
    collection_title: str | None = None
    declared_count: int | None = None
    settled: bool = True

    @property
    def text(self) -> str:
        """All segments, one after another (each already ends with a newline)."""
        return "".join(s.text for s in self.segments)


class Cleaner:
    """A profile's chain, built once: patterns compiled and tables loaded a single time.

    >>> cleaner = Cleaner()            # the default profile
    >>> result = cleaner.clean("标题\\n正文 ,内容。")
    """

    def __init__(self, profile: Profile | str | Path | None = None) -> None:
        self.profile = profile if isinstance(profile, Profile) else load_profile(profile)
        built: list[Filter] = [filter_class(name)(**self.profile.filter_options(name)) for name in self.profile.chain]
        decoder = built[0]
        assert isinstance(decoder, Decode)
        self.decoder: Decode = decoder
        self.splitter: Splitter | None = built[-1] if isinstance(built[-1], Splitter) else None
        self.text_filters: list[Filter] = [f for f in built[1:] if not isinstance(f, Splitter)]
        self.max_passes = self.profile.max_passes
        self.timings: dict[str, float] | None = None
        """Seconds spent per filter, accumulated when set to a dict (the benchmark does);
        the settling reruns count under ``"NAME (rerun)"``."""

    @property
    def filters(self) -> list[Filter]:
        return [self.decoder, *self.text_filters, *([self.splitter] if self.splitter else [])]

    def clean(self, data: str | bytes, *, sink: EditSink | None = None) -> Result:
        """Clean one input. ``bytes`` are decoded as the CLI does; raises
        :class:`~cleaner.filters.decode.NotText` for data that is not text."""
        report = Report(sink)
        started = time.perf_counter()
        if isinstance(data, (bytes, bytearray, memoryview)):
            text = self.decoder.decode(bytes(data), report)
        else:
            report.filter = self.decoder.name
            text = self.decoder.apply(data, report)
            report.facts.setdefault("encoding", None)
        del data  # the input is not needed any more: a caller that let go of it saves its size at the peak
        self._time(self.decoder.name, started)
        had_text = bool(text) and not text.isspace()  # (stops at the first letter; text.strip() would copy)
        filtered = self._run_text_filters(text, report)
        # Nothing changed it so far (every filter handed back the very same string)?
        untouched = filtered is text
        text = filtered
        del filtered
        started = time.perf_counter()
        if self.splitter is not None:
            report.filter = self.splitter.name
            pieces = self.splitter.split(text, report)
            self._time(self.splitter.name, started)
        else:
            pieces = [Segment(text)]
        untouched = untouched and len(pieces) == 1 and pieces[0].text is text
        del text  # the pieces hold what is left of it
        started = time.perf_counter()
        segments = []
        for piece in pieces:
            report.segment = len(segments) + 1 if len(pieces) > 1 else None
            report.filter = LAYOUT
            body = layout(piece.text, report)
            untouched = untouched and body is piece.text
            if not body:
                continue
            segments.append(Segment(body, piece.title))
        self._time(LAYOUT, started)
        settled = True
        # A text the whole chain handed back unchanged is settled: a rerun would only
        # repeat the same pass. (Clean corpora, pre-commit checks, reruns over output.)
        if self.max_passes > 1 and not untouched:
            for i, segment in enumerate(segments):
                report.segment = i + 1 if len(segments) > 1 else None
                ok = self._settle(segment, report)
                settled = settled and ok
                if not ok:
                    report.warn(f"segment {i + 1} still changed after {self.max_passes} passes of the chain")
        report.segment = None
        report.flush()
        # A later pass can empty a segment (a restored word turns a line into an ad):
        # its removals are in the audit, and an empty document is not a document.
        segments = [segment for segment in segments if segment.text]
        for segment in segments:
            segment.title = segment.title or first_line(segment.text)
        if not segments:
            report.warn("no text left after cleaning" if had_text else "empty input: no text")
        return Result(
            segments=segments,
            warnings=list(report.warnings),
            changes=dict(report.changes),
            audit=list(report.edits),
            encoding=report.facts.get("encoding"),
            collection_title=report.facts.get("collection_title"),
            declared_count=report.facts.get("declared_count"),
            settled=settled,
        )

    def _run_text_filters(self, text: str, report: Report, rerun: bool = False) -> str:
        """Run the text filters; a filter that changes nothing returns its input itself."""
        timings = self.timings
        for f in self.text_filters:
            report.filter = f.name
            if timings is None:
                text = f.apply(text, report)
            else:
                start = time.perf_counter()
                text = f.apply(text, report)
                key = f"{f.name} (rerun)" if rerun else f.name
                timings[key] = timings.get(key, 0.0) + time.perf_counter() - start
        return text

    def _time(self, name: str, started: float) -> None:
        if self.timings is not None:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started

    def _settle(self, segment: Segment, report: Report) -> bool:
        """Rerun the chain on a finished segment until it no longer changes."""
        for _ in range(self.max_passes - 1):
            again = self._run_text_filters(segment.text, report, rerun=True)
            untouched = again is segment.text
            started = time.perf_counter()
            if self.splitter is not None:
                report.filter = self.splitter.name
                parts = self.splitter.split(again, report)
                untouched = untouched and len(parts) == 1 and parts[0].text is again
                again = parts[0].text if len(parts) == 1 else "\n".join(p.text for p in parts)
                self._time(f"{self.splitter.name} (rerun)", started)
                started = time.perf_counter()
            if untouched:  # what layout made last time, handed back as it was
                return True
            report.filter = LAYOUT
            again = layout(again, report)
            self._time(f"{LAYOUT} (rerun)", started)
            if again == segment.text:
                return True
            segment.text = again
        return False


def first_line(text: str) -> str | None:
    line = text.split("\n", 1)[0].strip()
    return line or None


_UNTIDY_BREAK = re.compile(rf"\n(?:(?<=[{_LINE_SPACE}]\n)|(?=[{_LINE_SPACE}\n]))")
"""A line break next to a line that needs layout: after white space, or before white
space or another break. It starts with a literal, so the engine skips along the text
from one line break to the next at C speed, and most breaks fail at once."""


def layout(text: str, report: Report) -> str:
    """Give a segment its clean shape (SPEC §2): no leading or trailing white space on a
    line, no blank lines, exactly one final newline. Every removal is reported."""
    if not text:
        return text
    n = len(text)
    space = _LINE_SPACE
    # The starts of the lines that need work, in order: those next to an untidy break,
    # the first line and the last (the text's edges have no break to find them by).
    starts = [0] if text[0] in space or text[0] == "\n" else []
    for m in _UNTIDY_BREAK.finditer(text):
        i = m.start()
        if i and text[i - 1] in space:
            line = text.rfind("\n", 0, i) + 1
            if not starts or starts[-1] != line:
                starts.append(line)
        if i + 1 < n and (text[i + 1] in space or text[i + 1] == "\n"):
            starts.append(i + 1)
    if text[-1] in space:
        line = text.rfind("\n") + 1
        if not starts or starts[-1] != line:
            starts.append(line)
    removals: list[tuple[int, int, str]] = []
    for start in starts:
        end = text.find("\n", start)
        end = n if end < 0 else end
        line = text[start:end]
        if not line.strip(space):  # a blank line goes with its line break (the last has none)
            if end < n or line:
                removals.append((start, min(end + 1, n), ""))
            continue
        lead = len(line) - len(line.lstrip(space))
        if lead:
            removals.append((start, start + lead, ""))
        trail = len(line) - len(line.rstrip(space))
        if trail:
            removals.append((end - trail, end, ""))
    text = apply_edits(text, removals, report)
    if text and not text.endswith("\n"):
        text += "\n"
    return text


__all__ = ["Cleaner", "Result", "NotText", "layout"]
