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
  sentence (``sentence_end``, maybe followed by ``closers``), at least ``min_lines``; a
  line before a numbered item or heading (``heading_pattern``) or a table of contents'
  line (leaders, then a page number) counts as ending one: a list's lines are all about
  as long without being wrapped;
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
from itertools import accumulate, chain, compress, islice, repeat
from operator import add, ge, gt, is_not, itemgetter, lt, ne, not_, or_, rshift, sub
from typing import Any, Callable, Iterable, Sequence

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
# the first character of a line that can be a page number of the default patterns
# (and of a bare page number); a profile's own patterns are tried on every line
_DEFAULT_ARTIFACT_START = r"[-－—–~～·•第共\dpP]"
_DEFAULT_HEADING_START = r"[一二三四五六七八九十百（(\d第]"
_TOC_LINE = re.compile(r"(?:[.．…·]{2,}|…)[^\S\n]*\d{1,4}$")
"""A table of contents' line: dot leaders or an ellipsis, then a page number."""
_FIRST = itemgetter(0)
_LAST = itemgetter(slice(-1, None))  # (the last character, or nothing)
_START = re.Match.start
_E2 = b"\xe2"  # the UTF-8 lead byte of U+2000-U+2FFF
_RADICALS = re.compile(rb"\xe2[\xba-\xbf]")  # U+2E80-U+2FFF in UTF-8


def _holds(chars: frozenset[str]) -> Callable[[str], Any]:
    """A search for any of ``chars`` in a string (truthy when there is one)."""
    if not chars:
        return lambda _line: None
    return re.compile("[%s]" % "".join(map(re.escape, sorted(chars)))).search


def _ambiguous_counts(texts: Sequence[str], encoded: Sequence[bytes]) -> list[int] | None:
    """For each text, its characters of U+2000-U+2E7F (``encoded``: the texts in
    UTF-8); None when there are none. Counted by their UTF-8 lead byte, unless the
    texts hold radicals (U+2E80-U+2FFF, the same lead byte)."""
    blob = b"".join(encoded)
    if _E2 not in blob:
        return None
    if _RADICALS.search(blob):
        return list(map(len, map(_AMBIGUOUS.findall, texts)))
    return list(map(bytes.count, encoded, repeat(_E2)))


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

    def keep(self, selectors: Sequence[bool]) -> Shape:
        """The same shape, for the lines where ``selectors`` is true only."""
        values, closing = list(compress(self.values, selectors)), list(compress(self.closing, selectors))
        return replace(self, values=values, closing=closing)


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
        # the first character of a line that can start a numbered heading of the default
        # pattern; a profile's own pattern is tried on every line
        self.heading_start = re.compile(_DEFAULT_HEADING_START) if c["heading_pattern"] == DEFAULT_HEADING else None
        self.unit_re = re.compile(
            "[%s]*(?:(?P<latin>%s)|——|……|.)" % (re.escape(c["openers"]), _LATIN_WORD.pattern), re.S
        )
        self.new_doc = "\n" * (1 + c["new_document_blank_lines"])
        self.latin_end = re.compile(c["latin_end"] + r"\Z")
        self.latin_start = re.compile(c["latin_start"])
        self.squeezable = frozenset(c["squeezable"])
        self.punctuation = self.enders | _PAUSES | frozenset(c["closers"] + c["openers"] + c["squeezable"])
        # whether a line holds a sentence end, a pause or any punctuation: a search, which
        # is cheaper than a set's isdisjoint() over the line's characters
        self.has_end, self.has_pause, self.has_punct = map(_holds, (self.enders, _PAUSES, self.punctuation))
        # a line longer than this (in characters) is too long for any wrap width in any measure
        # (as a whole number: an int is longer than x when it is longer than floor(x))
        self.longest = math.floor(2 * (self.max_width + self.near_above))
        self.artifact_start: re.Pattern[str] | None = None
        if self.page_number is not None and patterns == DEFAULT_PAGE_NUMBERS:
            self.artifact_start = re.compile(_DEFAULT_ARTIFACT_START)
        elif self.page_number is None and self.bare_number is not None:
            self.artifact_start = re.compile("[0-9]")

    # -- measuring ---------------------------------------------------------------------

    def closings(self, texts: Sequence[str]) -> list[bool]:
        """For each of ``texts`` (stripped lines), whether it ends a sentence: its last
        character before any closing quotes or brackets is an ender (one C-level pass)."""
        return list(map(self.enders.__contains__, map(_LAST, map(str.rstrip, texts, repeat(self.closers)))))

    def clearly_unwrapped(self, lines: Sequence[str]) -> bool:
        """Whether too many ``lines`` are too long for any wrap width for a text to count
        as wrapped: the test :meth:`shape` makes first, made before anything else with
        all lines as the bound on the count of the lines it judges (the long lines are
        all among those; a line that long is no page number or running header). Clean
        text (one paragraph per line) stops here after its first few long lines."""
        return self._long_lines(lines, int(self.max_over * len(lines)) + 1)  # more than max_over of them

    def _long_lines(self, lines: Sequence[str], needed: int) -> bool:
        """Whether at least ``needed`` of ``lines`` are longer than any wrap width."""
        longest = repeat(self.longest)
        raw = compress(lines, map(lt, longest, map(len, lines)))
        return len(list(islice(filter(None, map(lt, longest, map(len, map(str.strip, raw)))), needed))) >= needed

    def shape(self, texts: Sequence[str]) -> Shape | None:
        """Measure stripped, non-blank lines; None when there are too few to judge."""
        n = len(texts)
        if n < self.min_lines:
            return None
        # lines too long for any wrap width in any measure: a clean text, most likely
        chars = list(map(len, texts))
        longest = self.longest
        if max(chars) > longest and sum(map(lt, repeat(longest), chars)) > self.max_over * n:
            return None
        names = ("width", "narrow", "chars") if self.measure == "auto" else (self.measure,)
        measured = self._measures(texts, chars, names)
        best: tuple[int, str, int, int, list[int], Counter[int]] | None = None
        for name in names:
            values = measured[name]
            if values is None:
                continue  # the same lengths as the measure before it: never a sharper mode
            unit = 1 if name == "chars" else 2
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
        closing = self.closings(texts)
        near_values = {v for v in counts if near_lo <= v <= near_hi}
        # No evidence of wrapping either: a line before a numbered item or heading (a list's
        # lines are all about as long), or a table of contents' line (leaders, a page number).
        ended = list(map(or_, closing, [*self.numbered(texts)[1:], False]))
        for k in compress(range(n), map(str.isdigit, map(_LAST, texts))):
            ended[k] = ended[k] or _TOC_LINE.search(texts[k]) is not None
        near_open = near - sum(map(near_values.__contains__, compress(values, ended)))
        share = near_open / n
        wrapped = near_open >= self.min_lines and share >= self.min_share
        if wrapped:
            # enough lines hold a sentence end (counted only as far as needed): the lines
            # that end a sentence do, and as many others as it takes
            needed = max(1, math.ceil(self.min_sentences * n)) if self.min_sentences > 0 else 0
            needed -= closing.count(True)
            if needed > 0:
                holding = filter(None, map(self.has_end, compress(texts, map(not_, closing))))
                wrapped = len(list(islice(holding, needed))) >= needed
        return Shape(name, unit, mode, share, over, wrapped, values, closing)

    @staticmethod
    def _measures(texts: Sequence[str], chars: list[int], names: Sequence[str]) -> dict[str, list[int] | None]:
        """The lengths of ``texts`` in each measure of ``names`` (see :meth:`lengths`);
        ``narrow`` is None when it equals ``width`` (no character of U+2000-U+2E7F)."""
        measured: dict[str, list[int] | None] = {"chars": chars}
        if "width" in names or "narrow" in names:
            encoded = "\n".join(texts).encode().split(b"\n")  # (the texts hold no line break)
            widths = list(map(rshift, map(add, map(len, encoded), chars), repeat(1)))
            measured["width"] = widths
            if "narrow" in names:
                ambiguous = _ambiguous_counts(texts, encoded)
                if ambiguous is None:
                    measured["narrow"] = None if "width" in names else widths
                else:
                    measured["narrow"] = list(map(sub, widths, ambiguous))
        return measured

    @staticmethod
    def lengths(texts: Sequence[str], measure: str) -> list[int]:
        """Line lengths: ``chars``; ``width``, Han, full-width forms and Chinese
        punctuation and quotes 2, others 1 (``(UTF-8 bytes + characters) // 2``); or
        ``narrow``, the same with the punctuation of U+2000–U+2E7F (quotes, dashes,
        ellipsis) 1, as fonts that set them half wide do."""
        chars = list(map(len, texts))
        if measure == "chars":
            return chars
        measured = Unwrap._measures(texts, chars, ("narrow",) if measure == "narrow" else ("width",))
        return measured[measure]  # type: ignore[return-value]

    def remeasure(self, texts: Sequence[str], like: Shape) -> Shape:
        """``like``, for other lines: their lengths in its measure and their closings."""
        return replace(like, values=self.lengths(texts, like.measure), closing=self.closings(texts))

    def scan(self, text: str) -> _Scan | None:
        """Split and measure ``text``, find its page numbers and judge whether it is
        wrapped; None when it has too few lines to judge, or too many long ones."""
        lines = text.split("\n")
        if len(lines) <= self.min_lines or self.clearly_unwrapped(lines):
            return None
        stripped = list(map(str.strip, lines))
        nonblank = list(compress(range(len(lines)), stripped))
        texts = list(filter(None, stripped))
        numbers: set[int] = set()
        bare: list[int] = []
        page_number, bare_number = self.page_number, self.bare_number
        if page_number is not None or bare_number is not None:
            # only lines whose first character can start a page number (or all lines,
            # for page number patterns of a profile's own)
            candidates: Iterable[int] = nonblank
            if self.artifact_start is not None:
                firsts = "".join(map(_FIRST, texts))
                candidates = map(nonblank.__getitem__, map(_START, self.artifact_start.finditer(firsts)))
            for i in candidates:
                s = stripped[i]
                if len(s) <= _ARTIFACT_CHARS:
                    if page_number is not None and page_number(s):
                        numbers.add(i)
                    elif bare_number is not None and bare_number(s):
                        bare.append(i)
        if numbers:
            keep = list(map(not_, map(numbers.__contains__, nonblank)))
            content, texts = list(compress(nonblank, keep)), list(compress(texts, keep))
        else:
            content = nonblank
        # the decision leaves out bare numbers and short lines repeated three times or
        # more (running headers, perhaps): they say nothing about the wrapping
        closers, enders = self.closers, self.enders
        skip = set(bare)
        if len(texts) - len(set(texts)) >= 2:  # else no line is there three times
            repeated = {
                t
                for t, k in Counter(texts).items()
                if k >= 3 and len(t) <= _HEADER_CHARS and t.rstrip(closers)[-1:] not in enders
            }
            if repeated:
                skip.update(compress(content, map(repeated.__contains__, texts)))
        if skip:
            judged = self.shape(list(compress(texts, map(not_, map(skip.__contains__, content)))))
        else:
            judged = self.shape(texts)
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
                keep = list(map(not_, map(artifacts.__contains__, content)))
                content, texts = list(compress(content, keep)), list(compress(texts, keep))
                shape = shape.keep(keep)
        if len(content) < self.min_lines:
            return text
        numbered = self.numbered(texts)
        changes, documents, result = self._changes(text, lines, content, texts, shape, sorted(artifacts), numbered)
        if self.is_wrapped(result):
            report.warn("text looks hard-wrapped, but joining its lines did not settle it; left as it is")
            return text
        report.add(changes)
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
        # the short lines (v <= full: in whole numbers, v <= floor(full)) without closing punctuation
        closing = shape.closing
        for k in compress(range(len(texts)), map(ge, repeat(math.floor(full)), shape.values)):
            if not closing[k]:
                keys.setdefault(_DIGITS.sub("#", texts[k]), []).append(k)
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
                if not repeated and not (by_page_number(k, after_only=True) and not self.has_punct(texts[k])):
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

    def _pusher(self, texts: list[str], measure: str) -> Callable[[int], int]:
        """For a line, the room the start of the next line would have needed on it:
        its first unit that cannot be broken (opening quotes and brackets with the
        character after them, a Latin word or number with a space before it when the
        line ends in one, a dash or an ellipsis pair, or one character). Asked only for
        the few lines shorter than full, so measured one at a time."""
        unit, latin_end, last = self.unit_re.match, self.latin_end.search, len(texts) - 1
        narrow = measure == "narrow"

        def pushed(k: int) -> int:
            if k >= last:
                return 0
            m = unit(texts[k + 1])
            piece = m.group() if m else ""
            latin = bool(m and m.group("latin") and latin_end(texts[k]))
            if measure == "chars":
                return len(piece) + latin
            # the measure of lengths(), for one piece
            width = (len(piece.encode()) + len(piece)) >> 1
            return width - len(_AMBIGUOUS.findall(piece)) + latin if narrow else width + latin

        return pushed

    def breaks(
        self,
        texts: list[str],
        shape: Shape,
        blank_gap: list[bool] | None,
        page_start: list[bool],
        numbered: list[bool],
    ) -> list[bool]:
        """For each line of a wrapped text, whether a paragraph starts there.
        ``blank_gap``: a blank line before the line ends a paragraph (None: blank lines
        say nothing); ``page_start``: the line starts a page (a title there is told by
        having no punctuation); ``numbered``: the line starts like a numbered heading
        (see :meth:`numbered`)."""
        n = len(texts)
        values, unit, full = shape.values, shape.unit, shape.width
        first = full - self.indent * unit  # the room on a paragraph's first line
        short = self.short_margin * unit
        need: list[int | None] = [None] * n
        pushed = self._pusher(texts, shape.measure)
        closes = shape.closing

        def length(k: int, room: float) -> float:
            """The line's length; a line whose next line's start did not fit is full."""
            v = values[k]
            if v < room:
                d = need[k]
                if d is None:
                    d = need[k] = pushed(k)
                if room < v + d:
                    return room
            return v

        squeezable = self.squeezable
        squeeze_limit = full - (self.indent - 0.25) * unit

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

        # The common case, a full line inside a paragraph and then a full line, found for
        # all lines at once: line k is "easy" when line k - 1 neither ends a sentence nor
        # falls short, and k is full (not a first line squeezed full, no numbered heading)
        # with no blank line before it that ends a paragraph. An easy line joins when the
        # line before it starts no paragraph and no heading is open, and leaves that so:
        # a run of easy lines joins at once.
        # (in whole numbers: an int v > x when v > floor(x))
        lean = math.floor(full - short)  # a line up to this long is not full
        squeezed = math.floor(squeeze_limit) + unit  # ... up to this long, maybe squeezed full
        stops = set(compress(range(n), closes))  # lines after which an easy line cannot come
        unfit = set(compress(range(n), numbered))  # lines that cannot be easy
        for k in compress(range(n), map(ge, repeat(max(lean, squeezed)), values)):
            if values[k] <= lean:
                stops.add(k)
                unfit.add(k)
            elif texts[k][-1] in squeezable:
                unfit.add(k)
        unfit.update(k + 1 for k in stops)
        if blank_gap is not None:
            unfit.update(compress(range(n), blank_gap))
        unfit.add(0)
        hard = sorted(unfit)  # the lines that are not easy
        hard.append(n)

        has_end, has_pause, has_punct = self.has_end, self.has_pause, self.has_punct
        breaks = [True] * n
        # the paragraph so far is a title (no pauses) or a numbered heading, of at most
        # two lines, without a sentence end
        heading = titled = False
        resume = 1
        for k in range(1, n):
            if k < resume:
                continue  # in a run of easy lines, joined
            a, b = k - 1, k
            if breaks[a]:
                titled = not has_pause(texts[a]) and (a == 0 or page_start[a] or not has_punct(texts[a]))
                heading = (titled or numbered[a]) and not has_end(texts[a])  # (the cheaper test first)
            elif heading:
                heading = breaks[a - 1] and not has_end(texts[a]) and (not titled or not has_pause(texts[a]))
            elif k not in unfit:
                # k and the easy lines after it join their paragraph
                resume = hard[bisect_right(hard, k)]
                breaks[k:resume] = [False] * (resume - k)
                continue
            if blank_gap is not None and blank_gap[k]:
                continue
            if not breaks[a] and not heading and k not in unfit:
                breaks[k] = False  # after a heading closed on line a
                continue
            room = first if breaks[a] else full
            if length(a, room) <= room - short:
                continue  # a short line ends its paragraph
            vb = length(b, full)
            if closes[a] and not has_end(texts[b]) and (
                (page_start[b] and not has_pause(texts[b]) and not looks_full(b + 1))
                or (b + 1 < n and not closes[b + 1] and looks_first(b + 1))
            ):
                # a title: at the top of a page, without its own next line; or as wide as
                # a line, with no closing punctuation, and a paragraph starts after it
                continue
            if heading and closes[b] and vb <= full - short:
                continue  # a title or numbered heading that filled its line(s): b is no tail of it
            if not closes[b] and values[b] <= first:
                d = need[b]
                if d is None:
                    d = need[b] = pushed(b)
                if first < values[b] + d <= full:
                    vb = first  # a first line the next word did not fit on
            if numbered[b] and (closes[a] or heading or (not has_end(texts[a]) and not has_pause(texts[a]))):
                continue  # after a sentence or a heading, a numbered heading or item starts a paragraph
            if vb > full - short:
                # b is full, or looks full because punctuation was squeezed into its end
                if not squeezed_first(b, vb):
                    breaks[k] = False
                elif heading:
                    breaks[k] = bool(has_end(texts[b]))  # a sentence is no heading's tail
                else:
                    breaks[k] = closes[a] and (not closes[b] or looks_full(b + 1))
            elif vb >= full - (self.indent + self.first_slack) * unit:
                # b lost a paragraph indent, unless it is the tail of a's paragraph (a tail
                # ends a sentence, and the line after it starts a paragraph of its own)
                if heading and has_end(texts[b]):
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

    def numbered(self, texts: Sequence[str]) -> list[bool]:
        """For each (stripped) line, whether it starts like a numbered heading or list
        item (``heading_pattern``); with the default pattern, tried only on the lines
        whose first character can start one."""
        heading = self.heading
        if heading is None:
            return [False] * len(texts)
        if self.heading_start is None:
            return list(map(bool, map(heading.match, texts)))
        found = [False] * len(texts)
        for k in map(_START, self.heading_start.finditer("".join(map(_FIRST, texts)))):
            if heading.match(texts[k]):
                found[k] = True
        return found

    def _changes(
        self,
        text: str,
        lines: list[str],
        content: list[int],
        texts: list[str],
        shape: Shape,
        artifacts: list[int],
        numbered: list[bool],
    ) -> tuple[list[tuple[int, int, str, str]], int, str]:
        """The edits that join the lines and remove the artifacts, as ``(start, end,
        old, new)`` in order, only those that change something; the number of
        documents; and the text they make. ``numbered``: see :meth:`numbered`."""
        n = len(content)
        values = shape.values
        full = shape.width
        # where each line starts: the characters and the line breaks before it
        before_line = list(accumulate(map(len, lines), initial=0))

        def start_of(i: int) -> int:
            return before_line[i] + i

        begins = list(map(add, map(before_line.__getitem__, content), content))  # where each text starts
        # lines with white space at an edge: str.strip() returns any other line itself (were it
        # to copy one, that line would only be looked at here for nothing)
        edged = list(compress(range(n), map(is_not, map(lines.__getitem__, content), texts)))
        lead = [0] * n  # the white space before the text
        # page starts: a line that starts with a space or tab, or follows a removed page artifact
        page_start = [False] * n
        for k in edged:
            line = lines[content[k]]
            lead[k] = len(line) - len(line.lstrip())
            begins[k] += lead[k]
            if line[0] in _PAGE_START:
                page_start[k] = True
        ends = list(map(add, begins, map(len, texts)))  # and ends
        # a gap holds a page artifact, or blank lines only
        art_gaps: list[int] = []
        if artifacts:
            for i in artifacts:
                k = bisect_left(content, i)
                if 0 < k < n and (not art_gaps or art_gaps[-1] != k):
                    art_gaps.append(k)
                    page_start[k] = True
            if artifacts[0] < content[0]:
                page_start[0] = True
        gaps = list(map(sub, islice(content, 1, None), content))  # lines from one to the next
        plain = n - 1 - len(art_gaps)  # gaps without a page artifact in them
        blank_breaks = False
        if self.blank_paragraphs and plain:
            blanks = plain - gaps.count(1)  # (a gap with an artifact in it is more than one line)
            blank_breaks = blanks >= 2 and 0.02 <= blanks / plain <= 0.75
        blank_gap = None
        if blank_breaks:
            blank_gap = [False, *map(lt, repeat(1), gaps)]
            for k in art_gaps:
                blank_gap[k] = False

        # where paragraphs end
        breaks = self.breaks(texts, shape, blank_gap, page_start, numbered)

        # which paragraphs start a new document
        para_starts = list(compress(range(n), breaks))
        new_doc = []
        for j in compress(range(1, len(para_starts)), map(page_start.__getitem__, islice(para_starts, 1, None))):
            k = para_starts[j]
            end = para_starts[j + 1] if j + 1 < len(para_starts) else n
            if not shape.closing[k - 1] or shape.closing[end - 1]:
                continue
            if sum(values[k:end]) > self.title_max * shape.unit:
                continue
            if numbered[k]:
                continue
            new_doc.append(k)

        # the new text of each join: nothing (one space where Latin words or numbers
        # meet, unless the line is filled to the edge: a dump cut every N columns splits
        # words, no space was there), a line break, or a new document's blank lines
        glues = [""] * n
        for k in para_starts:
            glues[k] = "\n"
        for k in new_doc:
            glues[k] = self.new_doc
        glues[0] = ""
        latin_end, latin_start = self.latin_end.search, self.latin_start.match
        first_room = full - self.indent * shape.unit
        spaces = []
        # (a line short of the room on it is short of full: the indent is never negative)
        for j in compress(range(n - 1), map(gt, repeat(full), values)):
            k = j + 1
            if not breaks[k] and texts[j][-1] < "\x80" and values[j] < (first_room if breaks[j] else full):
                if latin_end(texts[j]) and latin_start(texts[k]):
                    glues[k] = " "
                    spaces.append(k)

        # what each join replaces: with no white space at the line edges and no blank
        # line holding white space, the line breaks only
        if lines.count("") == len(lines) - n - len(artifacts):  # (the other lines are blank)
            newlines = {g: "\n" * g for g in set(gaps)}
            olds = list(map(newlines.__getitem__, gaps))
            for k in edged:
                if k:
                    olds[k - 1] = text[ends[k - 1] : begins[k]]
                if k + 1 < n:
                    olds[k] = text[ends[k] : begins[k + 1]]
        else:
            olds = list(map(text.__getitem__, map(slice, islice(ends, 0, n - 1), islice(begins, 1, None))))

        es: list[int] = []  # where each edit starts
        ee: list[int] = []  # and ends
        eo: list[str] = []  # the text it replaces
        en: list[str] = []  # its new text
        first = content[0]
        before = artifacts[: bisect_left(artifacts, first)]
        for j, i in enumerate(before):  # each with the blank lines after it
            es.append(start_of(i))
            ee.append(start_of(before[j + 1] if j + 1 < len(before) else first))
            en.append("")
        if lead[0]:
            es.append(start_of(first))
            ee.append(start_of(first) + lead[0])
            en.append("")
        eo.extend(map(text.__getitem__, map(slice, es, ee)))
        # the joins: from the end of one line's text to the start of the next one's,
        # those with page artifacts in between one by one
        done = 1
        for k in art_gaps:
            es.extend(ends[done - 1 : k - 1])
            ee.extend(begins[done:k])
            eo.extend(olds[done - 1 : k - 1])
            en.extend(glues[done:k])
            pos, glue = ends[k - 1], glues[k]
            for i in artifacts[bisect_right(artifacts, content[k - 1]) : bisect_left(artifacts, content[k])]:
                es += (pos, start_of(i))
                ee += (start_of(i), start_of(i + 1))
                en += (glue, "")
                pos, glue = start_of(i + 1), ""
            es.append(pos)
            ee.append(begins[k])
            en.append(glue)
            eo.extend(map(text.__getitem__, map(slice, es[len(eo) :], ee[len(eo) :])))
            done = k + 1
        es.extend(ends[done - 1 : n - 1])
        ee.extend(begins[done:])
        eo.extend(olds[done - 1 :])
        en.extend(glues[done:])
        last = content[-1]
        pos = ends[-1]
        for i in artifacts[bisect_right(artifacts, last) :]:  # each with the blank lines before it
            end = start_of(i) + len(lines[i])
            es.append(pos)
            ee.append(end)
            eo.append(text[pos:end])
            en.append("")
            pos = end
        changes = list(compress(zip(es, ee, eo, en), map(ne, eo, en)))
        # the edits cover the text from the first artifact (or the first line) on to the
        # end of the last artifact (or line), but for the lines' texts: the result is those
        # texts joined by the joins' new texts (runs of lines without one joined at once),
        # between what comes before and after
        cuts = sorted(para_starts + spaces) if spaces else para_starts
        cuts.append(n)
        glues.append("")  # (zip() takes one more from the glues than there are runs)
        runs = map("".join, map(texts.__getitem__, map(slice, cuts, cuts[1:])))
        body = "".join(chain.from_iterable(zip(map(glues.__getitem__, cuts), runs)))
        return changes, 1 + len(new_doc), text[: start_of(before[0] if before else first)] + body + text[pos:]
