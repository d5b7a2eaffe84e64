"""markers: paywall and CMS markers, and the paywall notices that stand for missing text.

Changes:

- removes the markers of the FastAdmin CMS add-on (``##paidbegin##``, ``##paidend##``,
  ``$$paidbegin$$``, ``$$paidend$$``, ``##pagebreak##``; the ``markers`` option, matched
  without regard to case). A marker inside a line is cut out and the two sides join
  with nothing between (``局D组班##paidbegin##子成员`` -> ``局D组班子成员``); a line
  that holds nothing but markers (and white space) is removed with its newline;
- removes the CMS's paywall notices (``内容已经隐藏，点击付费后查看``,
  ``此文章为付费文章，需要支付￥5元才能查看`` with any amount, ...) and the editor's filler
  ``请替换付费标签内内容`` (the ``notices`` option, regular expressions) the same way. A
  notice means the paid part of the document is missing: the report gets a warning
  and ``facts["truncated"] = True``.

Never: the text between ``paidbegin`` and ``paidend`` (it is the full text; markers
alone are no sign of truncation); blank lines; other lines; ``#`` or ``$`` that are not
part of a listed marker.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, NamedTuple

from cleaner.core import Filter, Option, Report, apply_edits, compose_edits, contains

DEFAULT_MARKERS = ["##paidbegin##", "##paidend##", "$$paidbegin$$", "$$paidend$$", "##pagebreak##"]

DEFAULT_NOTICES = [
    r"(?:付费)?内容已(?:经)?(?:被)?隐藏\s*[，,]?\s*(?:请|点击|请点击)?\s*付费后(?:才能)?查看",
    r"此文章为付费文章\s*[，,]?\s*需要支付\s*[￥¥]?\s*\d+(?:\.\d+)?\s*元?\s*(?:后)?才能查看",
    r"温馨提示\s*[!！:：]?\s*你需要支付\s*[￥¥]?\s*\d+(?:\.\d+)?\s*元?\s*后才能查看付费内容",
    r"请替换付费标签内内容",
]

TRUNCATED = "document is truncated: a paywall notice stands where the paid part was, and the paid part is missing"

_SPACE = "[ \\t\\u3000\\u00a0]"
# punctuation that may close a notice and goes with it
_CLOSE = "[。！!.…~～]*"


def _triggers(markers: Iterable[str], notices: Iterable[str]) -> tuple[str, ...] | None:
    """Short strings one of which every match contains, for a cheap test that skips
    texts without any; None when no such set is known (then the pattern always runs)."""
    found: set[str] = set()
    for m in markers:
        head = m[:2]
        if not m or head.lower() != head.upper():
            return None  # letters: the case-insensitive match cannot be pre-tested with `in`
        found.add(head)
    for n in notices:
        word = next((w for w in _NOTICE_WORDS if w in n), None)
        if word is None:
            return None
        found.add(word)
    return tuple(sorted(found))


_NOTICE_WORDS = ("付费", "查看")


class Markers(Filter):
    name = "markers"
    summary = "remove paywall/CMS markers and paywall notices (a notice warns that the document is truncated)"
    options = (
        Option(
            "markers",
            list,
            DEFAULT_MARKERS,
            "marker strings removed wherever they occur (case-insensitive); a line of nothing but markers is removed",
        ),
        Option(
            "notices",
            list,
            DEFAULT_NOTICES,
            "regular expressions of paywall notices; each is removed (its line when alone on it) and the document "
            "is reported as truncated",
            regex=True,
        ),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        longest_first = sorted({m for m in self.config["markers"] if m}, key=len, reverse=True)
        markers = [caseless(m) for m in longest_first]
        notices = [f"(?:{n}){_CLOSE}" for n in self.config["notices"] if n]
        self.notice = re.compile("|".join(notices)) if notices else None
        self.marker_triggers = _triggers(self.config["markers"], ())
        self.notice_triggers = _triggers((), self.config["notices"])
        self.any = _compile(markers, notices)
        self.markers_only = _compile(markers, [])
        self.notices_only = _compile([], notices)
        # Markers with their heads (their first two characters, with no cased letter
        # when marker_triggers is known): a text is searched only for the markers whose
        # head it holds, longest first as always, with a pattern built for them (and
        # kept). With one head, such as "##", re looks for that literal start, several
        # times faster than for a class.
        self._headed = [(m[:2], pattern) for m, pattern in zip(longest_first, markers)]
        self._markers_for: dict[tuple[str, ...], _Patterns | None] = {}
        # The first characters of every trigger, when every marker and notice has one:
        # a text with none of them needs nothing more.
        self._first_chars: str | None = None
        if self.marker_triggers is not None and self.notice_triggers is not None:
            triggers = (*self.marker_triggers, *self.notice_triggers)
            self._first_chars = "".join(sorted({t[0] for t in triggers if t}))

    def apply(self, text: str, report: Report) -> str:
        truncated = False
        out = text
        composed: list[tuple[int, int, str]] = []
        while True:  # cutting a marker out can join the halves of another one
            pattern = self._pattern(out)
            if pattern is None:
                break
            edits = []
            last_line = -1
            for m in pattern.one.finditer(out):
                start, end = m.span()
                if self.notice is not None and not truncated and self.notice.fullmatch(m.group()):
                    truncated = True
                line_start = out.rfind("\n", 0, start) + 1
                if line_start == last_line:
                    continue  # the whole line already goes
                line_end = out.find("\n", end)
                line_end = len(out) if line_end < 0 else line_end
                if pattern.line.fullmatch(out, line_start, line_end):
                    edits.append((line_start, min(line_end + 1, len(out)), ""))
                    last_line = line_start
                else:
                    edits.append((start, end, ""))
            if not edits:
                break
            composed = compose_edits(composed, edits, out)
            out = apply_edits(out, edits, Report())
        for start, end, new in composed:
            report.edit(start, end, text[start:end], new)
        if truncated:
            report.warn(TRUNCATED)
            report.facts["truncated"] = True
        return out

    def _pattern(self, text: str) -> _Patterns | None:
        """The smallest pattern that can match in ``text`` (a cheap ``in`` test first)."""
        if self._first_chars is not None and not any(map(text.__contains__, self._first_chars)):
            return None  # the usual case: no trigger can be in the text
        heads: tuple[str, ...] | None = None
        if self.markers_only is None:
            has_marker = False
        elif self.marker_triggers is None:
            has_marker = True
        else:
            heads = tuple([t for t in self.marker_triggers if contains(text, t)])
            has_marker = bool(heads)
        has_notice = self.notices_only is not None and (
            self.notice_triggers is None or any(contains(text, t) for t in self.notice_triggers)
        )
        if has_marker and has_notice:
            return self.any
        if has_notice:
            return self.notices_only
        if not has_marker:
            return None
        if heads is None:
            return self.markers_only
        patterns = self._markers_for.get(heads)
        if patterns is None:
            patterns = self._markers_for[heads] = _compile([m for h, m in self._headed if h in heads], [])
        return patterns


class _Patterns(NamedTuple):
    one: re.Pattern[str]
    """One marker or notice."""
    line: re.Pattern[str]
    """A line of nothing but markers, notices and white space."""


def _compile(markers: list[str], notices: list[str]) -> _Patterns | None:
    alts = [*notices, *markers]
    if not alts:
        return None
    one = "(?:" + "|".join(alts) + ")"
    return _Patterns(re.compile(one), re.compile(f"{_SPACE}*{one}(?:{_SPACE}*{one})*{_SPACE}*"))


def caseless(word: str) -> str:
    """``word`` as a regex that ignores the case of ASCII letters (re.IGNORECASE would
    make the scan of a whole text several times slower)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isascii() and c.isalpha() else re.escape(c) for c in word)
