"""unwrap: join the hard-wrapped lines of a PDF text dump back into paragraphs and
remove its page artifacts (page numbers, running headers and footers).

Detection is one measured decision per text (calibre's line-length histogram test for
hard line breaks, made for Chinese). Every non-blank line gets a length in one of three
measures: display width (Han, full-width forms, Chinese punctuation and quotes 2,
everything else 1: ``(UTF-8 bytes + characters) // 2``), ``narrow`` width (the same
with quotes, dashes and ellipsis of U+2000-U+2E7F 1, as some fonts set them) or
characters. ``measure = "auto"`` takes the measure with the sharpest mode (most lines
within half a character of it): a typesetter wraps at one width, a dump cut every N
characters at one length. The modal length M is the wrap width. Left out of the
decision: page numbers, bare numbers and short lines repeated three times or more. The
text is wrapped when

- at least ``min_share`` of its lines sit near M (``near_below`` characters under it to
  ``near_above`` over it: punctuation squeezed into a line overshoots) without ending a
  sentence (``sentence_end``, maybe followed by ``closers``), at least ``min_lines``;
- at most ``max_over_share`` of its lines are longer than that (a wrapped text has a
  ceiling; a clean one-paragraph-per-line text has long lines of every length);
- at least ``min_peak`` of its lines are within half a character of M, at least
  ``min_sentence_share`` hold a sentence end (a list of headings is no wrapped prose),
  and M is between ``min_width`` and ``max_width`` characters.

A text that is not wrapped is returned as it is, byte for byte, blank lines included.
In a wrapped text ("first line": a paragraph's first line, ``indent`` characters short
because its indent was lost):

- a line counts as full when the start of the next line did not fit on it (a Latin
  word or number, which is not broken; an opening quote or bracket with the character
  after it; a dash pair);
- a short line ends its paragraph: ``short_margin`` characters or more under the full
  width (under the first-line width for a first line);
- after a line that ends a sentence, the next line starts a paragraph when it looks like
  a first line (``indent`` characters short, give or take ``first_line_slack``, or as
  much short but for punctuation squeezed into its end), or is short without closing
  punctuation (a heading). A short line that ends a sentence is the tail of the
  paragraph, and so is a first-line-like one when the line after it is no full line;
- after a sentence end or a heading, a line that starts like a numbered heading or list
  item (``heading_pattern``) starts a paragraph. A title (the first line, or a page's
  first line, without pauses; or any paragraph start without punctuation) or a numbered
  heading, up to two lines without a sentence end, stays on its own line before a short
  sentence, and is not continued by a first-line-like line holding a sentence end. A
  full line without a sentence end between a finished sentence and a first line is a
  title;
- with blank lines between some lines only (``blank_line_paragraphs``), a blank line
  ends a paragraph too.

Joining removes the line break, blank lines, the leading page-start space and white
space at the line edges: nothing between Chinese characters or punctuation; one space
where two Latin words or numbers meet (``latin_end`` then ``latin_start``: the CSS
segment-break rule), unless the line is filled to the edge (a dump cut every N columns
splits words and numbers, ``20`` | ``23年``: no space stood there). Output: one
paragraph per line and no blank lines, except that two blank lines
(``new_document_blank_lines``) go before a paragraph judged to start a new document, the
segmenter's signal: a title-like paragraph (no closing punctuation, at most
``title_max`` characters, not a numbered heading) at a page start (its line starts with
a space or tab, or follows a removed page artifact) right after a paragraph that ended
a sentence. Headings and subtitles keep their own line, without blank lines.

Page artifacts (in a wrapped text only), each removed with its line break as its own
reported edit: lines that are only a page number (``page_numbers``: ``- 3 -``,
``— 3 —``, ``第3页``, ``第 3 页 共 12 页``, ``3/12``, ``Page 3``); a line that is only a
number, when there are two or more such lines or it sits at a page boundary
(``bare_page_numbers``); running headers and footers: a line shorter than the wrap
width, without closing punctuation, repeated ``header_min_repeats`` times or more
(digits aside) and at least once between two lines of one paragraph, or next to a page
number on half of the pages or more; once only, it must hold no punctuation and come
right after a page number, between two lines of one paragraph.

Never: a text that is not wrapped; a character other than line breaks, white space at
line edges and page artifacts; a result that would itself still look wrapped (the text
is then left as it is, with a warning, so that the filter stays idempotent).
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from itertools import accumulate, islice
from typing import Any, Sequence

from cleaner.core import Filter, Option, Report

DEFAULT_PAGE_NUMBERS = [
    r"[-－—–~～·•]+\s*\d{1,4}\s*[-－—–~～·•]+",
    r"第\s*\d{1,4}\s*页(?:\s*[,，/／、]?\s*共\s*\d{1,4}\s*页)?",
    r"共\s*\d{1,4}\s*页\s*[,，/／、]?\s*第\s*\d{1,4}\s*页",
    r"\d{1,4}\s*[/／]\s*\d{1,4}",
    r"(?i:page)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?",
]
DEFAULT_SENTENCE_END = "。！？；：…!?;:．"
DEFAULT_CLOSERS = "”’」』）》〕】〉)]\"'"
DEFAULT_OPENERS = "“‘（《〈「『【〔"
DEFAULT_SQUEEZABLE = "，。、；：？！”’）》〉」』】〕…"
DEFAULT_HEADING = (
    r"[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十百\d]+[）)]"
    r"|\d+(?:[、)）]|[.．](?!\d))|第[一二三四五六七八九十百\d]+[章节条部分]"
)
DEFAULT_LATIN_END = r"[A-Za-z0-9.,;:!?%)\]]"
DEFAULT_LATIN_START = r"[A-Za-z0-9(\[]"

_LATIN_WORD = re.compile(r"[\x21-\x7e]+")
_AMBIGUOUS = re.compile("[\u2000-\u2e7f]")
_BARE_NUMBER = re.compile(r"[0-9]{1,4}")
_DIGITS = re.compile("[0-9０-９]+")
_PAGE_START = " \t"
_PAUSES = frozenset("，、,")
_HEADER_CHARS = 24
_ARTIFACT_CHARS = 40


@dataclass(frozen=True)
class Shape:
    """The measured line-length profile of a text."""

    measure: str
    unit: int
    """Measure units per Chinese character: 2 for display width, 1 for characters."""
    width: int
    """The modal line length M (the wrap width), in measure units."""
    share: float
    over: float
    wrapped: bool
    values: list[int]
    """Each line's length."""
    closing: list[bool]
    """Whether each line ends a sentence (only filled in for a wrapped text)."""

    def keep(self, indices: Sequence[int]) -> Shape:
        """The same shape, for the lines at ``indices`` only."""
        values, closing = self.values, self.closing
        return replace(self, values=[values[k] for k in indices], closing=[closing[k] for k in indices])


@dataclass
class _Scan:
    """A text split into lines, with what the decision needs."""

    lines: list[str]
    stripped: list[str]
    numbers: set[int]
    """Line indices of the lines that are only a page number."""
    bare: list[int]
    """Line indices of the lines that are only a number."""
    content: list[int]
    """Line indices of the other non-blank lines."""
    texts: list[str]
    """Those lines, stripped."""
    judged: Shape | None
    """The decision, made without bare numbers and repeated short lines."""
    skipped: bool
    """Whether lines were left out of the decision."""


class Unwrap(Filter):
    name = "unwrap"
    summary = "join hard-wrapped PDF dump lines into paragraphs; remove page numbers and running headers"
    options = (
        Option(
            "measure",
            str,
            "auto",
            "line length measure: display width (Han and Chinese punctuation 2, ASCII 1), narrow "
            "(the same with quotes, dashes and ellipsis 1), characters, or auto (the one with the"
            " sharpest mode)",
            choices=("auto", "width", "narrow", "chars"),
        ),
        Option(
            "min_share",
            float,
            0.5,
            "a text is wrapped when at least this share of its lines sit near the modal length "
            "and do not end a sentence",
            minimum=0.0,
            maximum=1.0,
        ),
        Option(
            "max_over_share",
            float,
            0.05,
            "... and at most this share of its lines are longer than the modal length plus "
            "near_above",
            minimum=0.0,
            maximum=1.0,
        ),
        Option(
            "min_peak",
            float,
            0.25,
            "... and at least this share of its lines are within half a character of the modal "
            "length (a sharp mode)",
            minimum=0.0,
            maximum=1.0,
        ),
        Option(
            "min_sentence_share",
            float,
            0.1,
            "... and at least this share of its lines hold a sentence end (a list of headings is "
            "not wrapped prose)",
            minimum=0.0,
            maximum=1.0,
        ),
        Option(
            "near_below",
            float,
            2.0,
            "characters below the modal length that still count as near it",
            minimum=0.0,
        ),
        Option(
            "near_above",
            float,
            3.0,
            "characters above the modal length that still count as near it (squeezed punctuation)",
            minimum=0.0,
        ),
        Option("min_width", int, 8, "smallest wrap width, in Chinese characters", minimum=1),
        Option("max_width", int, 60, "largest wrap width, in Chinese characters", minimum=1),
        Option(
            "min_lines",
            int,
            3,
            "fewest lines near the modal length without closing punctuation for a text to count "
            "as wrapped",
            minimum=1,
        ),
        Option(
            "short_margin",
            float,
            1.5,
            "a line this many characters below the full width (or the first-line width) is short "
            "and ends its paragraph",
            minimum=0.5,
        ),
        Option("indent", float, 2.0, "characters a paragraph's first line lost with its indent", minimum=0.0),
        Option(
            "first_line_slack",
            float,
            1.5,
            "a next line within this many characters below full width minus indent looks like a "
            "paragraph's first line",
            minimum=0.0,
        ),
        Option(
            "blank_line_paragraphs",
            bool,
            True,
            "when blank lines stand between some lines only, a blank line ends a paragraph",
        ),
        Option(
            "sentence_end",
            str,
            DEFAULT_SENTENCE_END,
            "characters that end a sentence (closing punctuation)",
        ),
        Option("closers", str, DEFAULT_CLOSERS, "closing quotes and brackets that may follow a sentence end"),
        Option(
            "openers",
            str,
            DEFAULT_OPENERS,
            "opening quotes and brackets a typesetter moves to the next line rather than end a "
            "line with them",
        ),
        Option(
            "squeezable",
            str,
            DEFAULT_SQUEEZABLE,
            "punctuation a typesetter squeezes into the end of a full line rather than start a "
            "line with it",
        ),
        Option(
            "page_numbers",
            list,
            DEFAULT_PAGE_NUMBERS,
            "regular expressions a whole line matches when it is only a page number",
            regex=True,
        ),
        Option(
            "bare_page_numbers",
            bool,
            True,
            "a line that is only a number is a page number when there are two or more such lines "
            "or it sits at a page boundary",
        ),
        Option(
            "header_min_repeats",
            int,
            2,
            "a short line repeated this often (digits aside) that once sits inside a paragraph, or "
            "stands next to the page numbers of half the pages, is a running header or footer",
            minimum=2,
        ),
        Option(
            "title_max",
            int,
            40,
            "longest paragraph, in Chinese characters, that can be a document title",
            minimum=1,
        ),
        Option(
            "heading_pattern",
            str,
            DEFAULT_HEADING,
            "start of a numbered heading or list item: after a sentence end it starts a paragraph; "
            "it never starts a new document",
            regex=True,
        ),
        Option(
            "new_document_blank_lines",
            int,
            2,
            "blank lines emitted before a line that starts a new document",
            minimum=0,
        ),
        Option(
            "latin_end",
            str,
            DEFAULT_LATIN_END,
            "last character of a line that, before a line starting with latin_start, gets one "
            "space at the join",
            regex=True,
        ),
        Option(
            "latin_start",
            str,
            DEFAULT_LATIN_START,
            "first character of a line that gets one space after latin_end",
            regex=True,
        ),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        c = self.config
        self.measure: str = c["measure"]
        self.min_share: float = c["min_share"]
        self.max_over: float = c["max_over_share"]
        self.min_peak: float = c["min_peak"]
        self.min_sentences: float = c["min_sentence_share"]
        self.near_below: float = c["near_below"]
        self.near_above: float = c["near_above"]
        self.min_width: int = c["min_width"]
        self.max_width: int = c["max_width"]
        self.min_lines: int = c["min_lines"]
        self.short_margin: float = c["short_margin"]
        self.indent: float = c["indent"]
        self.first_slack: float = c["first_line_slack"]
        self.blank_paragraphs: bool = c["blank_line_paragraphs"]
        self.enders = frozenset(c["sentence_end"])
        self.closers: str = c["closers"]
        patterns = c["page_numbers"]
        self.page_number = re.compile("|".join(f"(?:{p})" for p in patterns)).fullmatch if patterns else None
        self.bare_number = _BARE_NUMBER.fullmatch if c["bare_page_numbers"] else None
        self.header_repeats: int = c["header_min_repeats"]
        self.title_max: int = c["title_max"]
        self.heading = re.compile(c["heading_pattern"]) if c["heading_pattern"] else None
        self.unit_re = re.compile(
            "[%s]*(?:(?P<latin>%s)|——|……|.)" % (re.escape(c["openers"]), _LATIN_WORD.pattern), re.S
        )
        self.new_doc = "\n" * (1 + c["new_document_blank_lines"])
        self.latin_end = re.compile(c["latin_end"] + r"\Z")
        self.latin_start = re.compile(c["latin_start"])
        self.squeezable = frozenset(c["squeezable"])
        self.punctuation = self.enders | _PAUSES | frozenset(c["closers"] + c["openers"] + c["squeezable"])

    # -- measuring ---------------------------------------------------------------------

    def closes(self, line: str) -> bool:
        """Whether a (stripped) line ends a sentence."""
        return line.rstrip(self.closers)[-1:] in self.enders

    def shape(self, texts: Sequence[str]) -> Shape | None:
        """Measure stripped, non-blank lines; None when there are too few to judge."""
        n = len(texts)
        if n < self.min_lines:
            return None
        # lines too long for any wrap width in any measure: a clean text, most likely
        longest = 2 * (self.max_width + self.near_above)
        if sum(1 for c in map(len, texts) if c > longest) > self.max_over * n:
            return None
        names = ("width", "narrow", "chars") if self.measure == "auto" else (self.measure,)
        tried = [(name, 1 if name == "chars" else 2, self.lengths(texts, name)) for name in names]
        best: tuple[int, str, int, int, list[int], Counter[int]] | None = None
        for name, unit, values in tried:
            lo, hi = self.min_width * unit, self.max_width * unit
            counts = Counter(values)
            inside = [(k, v) for v, k in counts.items() if lo <= v <= hi]
            if not inside:
                continue
            top, mode = max(inside)
            # how sharp the mode is: lines within half a character of it
            score = sum(counts.get(v, 0) for v in range(mode - unit // 2, mode + unit // 2 + 1))
            if best is None or score > best[0]:
                best = (score, name, unit, mode, values, counts)
        if best is None:
            return None
        peak, name, unit, mode, values, counts = best
        near_lo = mode - self.near_below * unit
        near_hi = mode + self.near_above * unit
        near = sum(k for v, k in counts.items() if near_lo <= v <= near_hi)
        over = sum(k for v, k in counts.items() if v > near_hi) / n
        if near < self.min_lines or near / n < self.min_share or over > self.max_over or peak / n < self.min_peak:
            return Shape(name, unit, mode, near / n, over, False, values, [])
        rstrip, closers, enders = str.rstrip, self.closers, self.enders
        closing = [rstrip(t, closers)[-1:] in enders for t in texts]
        near_open = sum(1 for v, c in zip(values, closing) if not c and near_lo <= v <= near_hi)
        share = near_open / n
        # enough lines hold a sentence end (counted only as far as needed)
        needed = max(1, math.ceil(self.min_sentences * n)) if self.min_sentences > 0 else 0
        sentences = sum(1 for _ in islice((t for t in texts if not enders.isdisjoint(t)), needed)) >= needed
        wrapped = near_open >= self.min_lines and share >= self.min_share and sentences
        return Shape(name, unit, mode, share, over, wrapped, values, closing)

    @staticmethod
    def lengths(texts: Sequence[str], measure: str) -> list[int]:
        """Line lengths: ``chars``; ``width``, Han, full-width forms and Chinese
        punctuation and quotes 2, others 1 (``(UTF-8 bytes + characters) // 2``); or
        ``narrow``, the same with the punctuation of U+2000–U+2E7F (quotes, dashes,
        ellipsis) 1, as fonts that set them half wide do."""
        chars = list(map(len, texts))
        if measure == "chars":
            return chars
        widths = [(b + c) >> 1 for b, c in zip(map(len, map(str.encode, texts)), chars)]
        if measure == "narrow":
            find = _AMBIGUOUS.findall
            widths = [w - len(find(t)) for w, t in zip(widths, texts)]
        return widths

    def remeasure(self, texts: Sequence[str], like: Shape) -> Shape:
        """``like``, for other lines: their lengths in its measure and their closings."""
        rstrip, closers, enders = str.rstrip, self.closers, self.enders
        closing = [rstrip(t, closers)[-1:] in enders for t in texts]
        return replace(like, values=self.lengths(texts, like.measure), closing=closing)

    def scan(self, text: str) -> _Scan | None:
        """Split and measure ``text``, find its page numbers and judge whether it is
        wrapped; None when it has too few lines to judge."""
        if text.count("\n") < self.min_lines:
            return None
        lines = text.split("\n")
        stripped = list(map(str.strip, lines))
        numbers: set[int] = set()
        bare: list[int] = []
        page_number, bare_number = self.page_number, self.bare_number
        for i, s in enumerate(stripped):
            if s and len(s) <= _ARTIFACT_CHARS:
                if page_number is not None and page_number(s):
                    numbers.add(i)
                elif bare_number is not None and bare_number(s):
                    bare.append(i)
        content = [i for i, s in enumerate(stripped) if s and i not in numbers] if numbers else [
            i for i, s in enumerate(stripped) if s
        ]
        texts = [stripped[i] for i in content]
        # the decision leaves out bare numbers and short lines repeated three times or
        # more (running headers, perhaps): they say nothing about the wrapping
        closers, enders = self.closers, self.enders
        skip = set(bare)
        repeated = {
            t
            for t, k in Counter(texts).items()
            if k >= 3 and len(t) <= _HEADER_CHARS and t.rstrip(closers)[-1:] not in enders
        }
        if repeated:
            skip.update(i for i, t in zip(content, texts) if t in repeated)
        judged = self.shape([t for i, t in zip(content, texts) if i not in skip] if skip else texts)
        return _Scan(lines, stripped, numbers, bare, content, texts, judged, bool(skip))

    def is_wrapped(self, text: str) -> bool:
        """Whether the filter would take ``text`` for a hard-wrapped dump."""
        scan = self.scan(text)
        return bool(scan and scan.judged and scan.judged.wrapped)

    # -- the filter --------------------------------------------------------------------

    def apply(self, text: str, report: Report) -> str:
        scan = self.scan(text)
        if scan is None or scan.judged is None or not scan.judged.wrapped:
            return text
        lines, stripped, numbers, bare = scan.lines, scan.stripped, scan.numbers, scan.bare
        content, texts, judged = scan.content, scan.texts, scan.judged
        shape = self.remeasure(texts, judged) if scan.skipped else judged
        artifacts = set(numbers)
        # bare page numbers first, then running headers (found between content lines)
        for find in (
            lambda: self._bare_numbers(bare, stripped, lines, numbers),
            lambda: self._headers(content, texts, shape, sorted(artifacts)),
        ):
            found = find()
            if found:
                artifacts.update(found)
                keep = [k for k, i in enumerate(content) if i not in artifacts]
                content, texts, shape = [content[k] for k in keep], [texts[k] for k in keep], shape.keep(keep)
        if len(content) < self.min_lines:
            return text
        edits, documents = self._edits(text, lines, content, texts, shape, sorted(artifacts))
        changes = [(start, end, text[start:end], new) for start, end, new in edits if text[start:end] != new]
        parts: list[str] = []
        pos = 0
        for start, end, _, new in changes:
            parts.append(text[pos:start])
            parts.append(new)
            pos = end
        parts.append(text[pos:])
        result = "".join(parts)
        if self.is_wrapped(result):
            report.warn("text looks hard-wrapped, but joining its lines did not settle it; left as it is")
            return text
        for start, end, old, new in changes:
            report.edit(start, end, old, new)
        report.facts["unwrap"] = {
            "measure": shape.measure,
            "wrap_width": shape.width,
            "share": round(shape.share, 3),
            "page_artifacts": len(artifacts),
            "documents": documents,
        }
        return result

    # -- page artifacts ----------------------------------------------------------------

    def _bare_numbers(self, bare: list[int], stripped: list[str], lines: list[str], numbers: set[int]) -> list[int]:
        if len(bare) >= 2:
            return bare
        found = []
        for i in bare:
            prev = next((j for j in range(i - 1, -1, -1) if stripped[j]), None)
            nxt = next((j for j in range(i + 1, len(stripped)) if stripped[j]), None)
            if prev is None or nxt is None or prev in numbers or nxt in numbers or lines[nxt][:1] in _PAGE_START:
                found.append(i)
        return found

    def _headers(self, content: list[int], texts: list[str], shape: Shape, numbers: list[int]) -> set[int]:
        """Running headers and footers: short lines without closing punctuation that
        repeat (digits aside) and at least once sit between two lines of one paragraph,
        or sit next to a page number on at least half of the pages; or, once only and
        without punctuation, right after a page number between two lines of one
        paragraph (``numbers``: the sorted line indices of the page numbers found)."""
        full = shape.width - self.short_margin * shape.unit

        def by_page_number(k: int, after_only: bool = False) -> bool:
            lo = content[k - 1] if k else -1
            hi = content[k] if after_only else content[k + 1] if k + 1 < len(content) else 1 << 62
            return bisect_right(numbers, hi) > bisect_right(numbers, lo)

        keys: dict[str, list[int]] = {}
        for k, (t, v, c) in enumerate(zip(texts, shape.values, shape.closing)):
            if v <= full and not c:
                keys.setdefault(_DIGITS.sub("#", t), []).append(k)
        found: set[int] = set()
        for key, ks in keys.items():
            repeated = len(ks) >= self.header_repeats
            if not repeated and not numbers:
                continue
            members = set(ks)
            if numbers and repeated:
                beside = sum(1 for k in ks if by_page_number(k))
                if beside >= self.header_repeats and beside * 2 >= len(numbers):
                    found.update(content[j] for j in ks)
                    continue
            for k in ks:
                if not repeated and not (by_page_number(k, after_only=True) and self.punctuation.isdisjoint(texts[k])):
                    continue  # a single one must follow a page number and hold no punctuation
                p = k - 1
                while p >= 0 and p in members:
                    p -= 1
                q = k + 1
                while q < len(texts) and q in members:
                    q += 1
                if p < 0 or q >= len(texts):
                    continue
                # the line before goes on (it neither ends a sentence nor falls short) and
                # the line after continues it (it is full, or a tail that ends a sentence)
                if not shape.closing[p] and shape.values[p] > full and (shape.closing[q] or shape.values[q] > full):
                    found.update(content[j] for j in ks)
                    break
        return found

    # -- paragraphs --------------------------------------------------------------------

    def _pushed(self, texts: list[str], measure: str) -> list[int]:
        """For each line, the room the start of the next line would have needed on it:
        its first unit that cannot be broken (opening quotes and brackets with the
        character after them, a Latin word or number with a space before it when the
        line ends in one, a dash or an ellipsis pair, or one character)."""
        need = [0] * len(texts)
        unit, latin_end = self.unit_re.match, self.latin_end.search
        pieces: list[str] = []
        latin: list[bool] = []
        for k in range(len(texts) - 1):
            m = unit(texts[k + 1])
            pieces.append(m.group() if m else "")
            latin.append(bool(m and m.group("latin") and latin_end(texts[k])))
        for k, (w, space) in enumerate(zip(self.lengths(pieces, measure), latin)):
            need[k] = w + space
        return need

    def breaks(
        self,
        texts: list[str],
        shape: Shape,
        blank_gap: list[bool] | None = None,
        page_start: list[bool] | None = None,
    ) -> list[bool]:
        """For each line of a wrapped text, whether a paragraph starts there.
        ``blank_gap``: a blank line before the line ends a paragraph; ``page_start``:
        the line starts a page (a title there is told by having no punctuation)."""
        n = len(texts)
        if page_start is None:
            page_start = [False] * n
        values, unit, full = shape.values, shape.unit, shape.width
        first = full - self.indent * unit  # the room on a paragraph's first line
        short = self.short_margin * unit
        need = self._pushed(texts, shape.measure)
        closes = shape.closing

        def length(k: int, room: float) -> float:
            """The line's length; a line whose next line's start did not fit is full."""
            return room if values[k] < room < values[k] + need[k] else values[k]

        squeezable = self.squeezable
        squeeze_limit = full - (self.indent - 0.25) * unit
        numbered = self.heading.match if self.heading is not None else None

        def squeezed_first(k: int, v: float) -> bool:
            """A first line that looks full because punctuation was squeezed into its end."""
            return texts[k][-1] in squeezable and v - unit <= squeeze_limit

        def looks_full(k: int) -> bool:
            if k >= n:
                return False
            v = length(k, full)
            return v > full - short and not squeezed_first(k, v)

        def looks_first(k: int) -> bool:
            return full - (self.indent + self.first_slack) * unit <= length(k, full) <= full - short

        enders = self.enders
        breaks = [True] * n
        # the paragraph so far is a title (no pauses) or a numbered heading, of at most
        # two lines, without a sentence end
        heading = titled = False
        for k in range(1, n):
            a, b = k - 1, k
            if breaks[a]:
                titled = _PAUSES.isdisjoint(texts[a]) and (
                    a == 0 or page_start[a] or self.punctuation.isdisjoint(texts[a])
                )
                heading = enders.isdisjoint(texts[a]) and (titled or self._numbered(texts[a]))
            elif heading:
                heading = breaks[a - 1] and enders.isdisjoint(texts[a]) and (not titled or _PAUSES.isdisjoint(texts[a]))
            if blank_gap is not None and blank_gap[k]:
                continue
            if not breaks[a] and not heading and not closes[a] and values[a] > full - short:
                # the common case, quickly: a full line inside a paragraph, then a full line
                vb = values[b]
                if vb > full - short and (texts[b][-1] not in squeezable or vb - unit > squeeze_limit):
                    if numbered is None or not numbered(texts[b]):
                        breaks[k] = False
                        continue
            room = first if breaks[a] else full
            if length(a, room) <= room - short:
                continue  # a short line ends its paragraph
            vb = length(b, full)
            if closes[a] and enders.isdisjoint(texts[b]) and (
                (page_start[b] and _PAUSES.isdisjoint(texts[b]) and not looks_full(b + 1))
                or (b + 1 < n and not closes[b + 1] and looks_first(b + 1))
            ):
                # a title: at the top of a page, without its own next line; or as wide as
                # a line, with no closing punctuation, and a paragraph starts after it
                continue
            if heading and closes[b] and vb <= full - short:
                continue  # a title or numbered heading that filled its line(s): b is no tail of it
            if not closes[b] and values[b] <= first < values[b] + need[b] <= full:
                vb = first  # a first line the next word did not fit on
            if self._numbered(texts[b]) and (
                closes[a] or heading or (enders.isdisjoint(texts[a]) and _PAUSES.isdisjoint(texts[a]))
            ):
                continue  # after a sentence or a heading, a numbered heading or item starts a paragraph
            if vb > full - short:
                # b is full, or looks full because punctuation was squeezed into its end
                if not squeezed_first(b, vb):
                    breaks[k] = False
                elif heading:
                    breaks[k] = not enders.isdisjoint(texts[b])  # a sentence is no heading's tail
                else:
                    breaks[k] = closes[a] and (not closes[b] or looks_full(b + 1))
            elif vb >= full - (self.indent + self.first_slack) * unit:
                # b lost a paragraph indent, unless it is the tail of a's paragraph (a tail
                # ends a sentence, and the line after it starts a paragraph of its own)
                if heading and not enders.isdisjoint(texts[b]):
                    breaks[k] = True
                elif closes[a]:
                    # after a finished sentence b starts a paragraph, unless it ends one
                    # (a tail) and the line after it starts the next
                    breaks[k] = not closes[b] or looks_full(b + 1)
                else:
                    # a heading that filled a first line, then b; or b is the heading's
                    # tail, and a paragraph (not its tail) starts after it
                    breaks[k] = not closes[b] and b + 1 < n and (looks_full(b + 1) or closes[b + 1])
            else:
                # b is short: a numbered heading, or after a finished sentence a heading (no
                # closing punctuation); else it is a's tail
                breaks[k] = closes[a] and not closes[b]
        return breaks

    def _numbered(self, line: str) -> bool:
        return bool(self.heading and self.heading.match(line))

    def _edits(
        self, text: str, lines: list[str], content: list[int], texts: list[str], shape: Shape, artifacts: list[int]
    ) -> tuple[list[tuple[int, int, str]], int]:
        starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
        n = len(content)
        values = shape.values
        full = shape.width
        lead = [len(lines[i]) - len(lines[i].lstrip()) for i in content]
        # page starts: a line that starts with a space or tab, or follows a removed artifact
        page_start = [lines[i][:1] in _PAGE_START for i in content]
        # a gap holds a page artifact, or blank lines only
        arts = [False] * n
        if artifacts:
            for k in range(1, n):
                if bisect_right(artifacts, content[k]) > bisect_right(artifacts, content[k - 1]):
                    arts[k] = page_start[k] = True
            if bisect_left(artifacts, content[0]) > 0:
                page_start[0] = True
        blank_gap = [b - a > 1 and not art for a, b, art in zip([-1, *content], content, arts)]
        blank_gap[0] = False
        plain = n - 1 - sum(arts)  # gaps without a page artifact in them
        blank_breaks = False
        if self.blank_paragraphs and plain:
            blanks = sum(blank_gap)
            blank_breaks = blanks >= 2 and 0.02 <= blanks / plain <= 0.75

        # where paragraphs end
        breaks = self.breaks(texts, shape, blank_gap if blank_breaks else None, page_start)

        # which paragraphs start a new document
        para_starts = [k for k in range(n) if breaks[k]]
        new_doc = set()
        for j, k in enumerate(para_starts):
            if j == 0 or not page_start[k]:
                continue
            end = para_starts[j + 1] if j + 1 < len(para_starts) else n
            if not shape.closing[k - 1] or shape.closing[end - 1]:
                continue
            if sum(values[k:end]) > self.title_max * shape.unit:
                continue
            if self.heading is not None and self.heading.match(texts[k]):
                continue
            new_doc.add(k)

        edits: list[tuple[int, int, str]] = []
        first = content[0]
        before = artifacts[: bisect_left(artifacts, first)]
        for j, i in enumerate(before):  # each with the blank lines after it
            edits.append((starts[i], starts[before[j + 1] if j + 1 < len(before) else first], ""))
        if lead[0]:
            edits.append((starts[first], starts[first] + lead[0], ""))
        latin_end, latin_start, append = self.latin_end.search, self.latin_start.match, edits.append
        for k in range(1, n):
            a, b = content[k - 1], content[k]
            a_end = starts[a] + lead[k - 1] + len(texts[k - 1])
            b_start = starts[b] + lead[k]
            if not breaks[k]:
                glue = ""
                # Latin words or numbers meet: one space, unless the line is filled to
                # the edge (a dump cut every N columns splits words: no space was there)
                room = full - self.indent * shape.unit if breaks[k - 1] else full
                if values[k - 1] < room and texts[k - 1][-1] < "\x80":
                    if latin_end(texts[k - 1]) and latin_start(texts[k]):
                        glue = " "
            elif k in new_doc:
                glue = self.new_doc
            else:
                glue = "\n"
            if arts[k]:
                pos = a_end
                for i in artifacts[bisect_right(artifacts, a) : bisect_left(artifacts, b)]:
                    append((pos, starts[i], glue))
                    append((starts[i], starts[i + 1], ""))
                    pos, glue = starts[i + 1], ""
                append((pos, b_start, glue))
            else:
                append((a_end, b_start, glue))
        last = content[-1]
        pos = starts[last] + len(lines[last].rstrip())
        for i in artifacts[bisect_right(artifacts, last) :]:  # each with the blank lines before it
            end = starts[i] + len(lines[i])
            edits.append((pos, end, ""))
            pos = end
        return edits, 1 + len(new_doc)
