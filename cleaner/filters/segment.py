"""segment: split a compilation into its documents (SPEC §3.11). Runs last.

Changes:

- A compilation header at the top of the text that names a count (``（10篇）…汇编``,
  ``…汇编（4篇）``, ``…（共3篇）``, ``【十篇】…``, ``…材料3篇``, or a title line followed by a
  line ``（2篇）``) is removed, with a reported edit, and recorded in
  ``report.facts``: ``collection_title`` (the header without the count) and
  ``declared_count`` (an int).
- Documents start at delimiter lines (``篇1：``, ``篇一``, ``【篇一】``, ``第2篇``,
  ``第二篇：``, ``范文3：``; the delimiter is removed with a reported edit, the rest of
  its line, or the next line, is the title), at a title line after a run of blank
  lines (two or more; the ``unwrap`` filter marks the titles of a PDF dump that way),
  and, under a compilation header, at each repeat of the first document's title line.
- When the number of documents found differs from the declared count, every
  document found is kept and a warning says so.

Never: splits at a document's own headings (``一、``, ``（一）``, ``1.``, ``一是``,
``第一部分``), run-in heads, salutations (``尊敬的…：``, ``XXX：``), sign-offs or dates;
drops or invents text (the segments, joined, are the input minus the reported
header and delimiters). A text without header and boundaries is one segment,
unchanged; so is a clean segment.

Without a count header, runs of blank lines start documents only in a text that does
not space its paragraphs with single blank lines (a PDF dump as ``unwrap`` leaves it: one
paragraph per line, blank lines only before a new document's title); in a text that
does, as a web page's ``<p>`` spacing gives, a longer run is read as more of that
spacing, not as a new document (``split_spaced_text_on_blank_lines`` turns this off).

Boundaries found by blank lines or a repeated title are weak: each one needs a
title-like line (short, not a heading, not ending a sentence) and at least
``min_body_chars`` characters of body both in the document it ends and in the one it
starts, so a title split from its subtitle, a signature after blank lines or a
quotation of the title stay where they are. Delimiter lines are strong: they split
wherever they have a title and a body (a table of contents made of delimiter lines
with no body is left as it is).
"""
from __future__ import annotations

import re
import warnings
from bisect import bisect_right
from typing import Any, Iterator

import regex

from cleaner.core import Option, Report, Splitter, contains
from cleaner.core import Segment as Piece

NUMBER = r"(?P<num>[0-9]{1,3}|[一二三四五六七八九十百零〇两]{1,5})"
"""What ``{N}`` stands for in the delimiter patterns: an Arabic or Chinese number."""

_SP = " \t\u3000\u00a0\u2002\u2003\u2009\u200a\u202f\u205f"
_CLOSERS = "”’）)」』》】〉\"'"
_TITLE_TRIM = _SP + "-—–_:：·|｜~～"

DEFAULT_DELIMITERS = [
    r"[【\[]篇{N}[】\]][^\S\n]*[：:、.．]?[^\S\n]*",
    r"篇{N}(?:[^\S\n]*[：:、.．][^\S\n]*|[^\S\n]+|$)",
    r"[【\[]第{N}篇[】\]][^\S\n]*[：:、.．]?[^\S\n]*",
    r"第{N}篇(?:[^\S\n]*[：:、.．][^\S\n]*|$)",
    r"[【\[]范文{N}[】\]][^\S\n]*[：:、.．]?[^\S\n]*",
    r"范文{N}(?:[^\S\n]*[：:、.．][^\S\n]*|[^\S\n]+|$)",
]
DEFAULT_HEADER_DELIMITERS = [
    r"第{N}篇[^\S\n]+",
]
DEFAULT_COUNT_WORDS = ["共", "精选", "通用", "合集", "汇编", "汇总", "范文", "优选", "最新", "热门"]
DEFAULT_NOT_TITLE = [
    r"[一二三四五六七八九十百]+[、.．]",
    r"[（(][一二三四五六七八九十百0-9]+[）)]",
    r"[0-9]+(?:[.．、)）]|[^\S\n])",
    r"[一二三四五六七八九十]+是",
    r"第[一二三四五六七八九十百0-9]+(?:部分|章|节|条|项|点|方面)",
    r"[①-⑳⑴-⒇⒈-⒛]",
    r"尊敬的",
    r"附件",
    r"[0-9X〇零一二三四五六七八九十]{2,4}年[0-9X一二三四五六七八九十]{1,2}月[0-9X一二三四五六七八九十]{1,3}日$",
]
DEFAULT_SENTENCE_END = "。！？；，、：:;,!?…."

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_number(text: str) -> int:
    """``"12"`` → 12, ``"十二"`` → 12, ``"二十"`` → 20, ``"一百零五"`` → 105."""
    if text.isdigit():
        return int(text)
    total = current = 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


_NON_SPACE = re.compile(r"[\S\x1c-\x1f]")
r"""``regex``'s ``\S``: ``re`` counts \x1c-\x1f as white space, ``regex`` does not."""

_LINE_SPACE = "\t\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
r"""``regex``'s ``[^\S\n]``: the white space a line may hold."""

_COUNT_MARK = "篇"
"""Every count header names its count with 篇 (the header patterns below hold it as a
literal), so a text without the character has none: no need to look."""


def _parse(pattern: str) -> Any:
    """``pattern`` as the standard library's parser reads it, or None where that may
    differ from how ``regex`` reads it (POSIX classes, case-insensitive or dot-all
    parts, syntax only ``regex`` knows): the shortcuts below rest on the parse."""
    if "[:" in pattern:  # a POSIX class for regex, a set of literals for re
        return None
    try:
        from re import _constants as sre_c
        from re import _parser as sre_p

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # re's doubts about set syntax regex reads its own way
            tree = sre_p.parse(pattern)
    except Exception:  # noqa: BLE001 - unknown syntax or no parser: no shortcut
        return None
    if tree.state.flags & (sre_c.SRE_FLAG_IGNORECASE | sre_c.SRE_FLAG_LOCALE | sre_c.SRE_FLAG_DOTALL):
        return None
    return tree


def _required_strings(pattern: str) -> list[frozenset[str]]:
    r"""Sets of strings such that every match of ``pattern`` holds one string of each
    set (``{"篇"}`` and ``{"【", "["}`` for ``[【\[]篇{N}[】\]]``); none when the
    pattern's structure does not show any (or it cannot be read, see :func:`_parse`)."""
    tree = _parse(pattern)
    if tree is None:
        return []
    from re import _constants as sre_c

    def sequence(items: Any) -> list[frozenset[str]]:
        # A run of literals is a needed string; so is whatever an item always needs.
        options: list[frozenset[str]] = []
        run: list[str] = []
        for op, av in [*items, (None, None)]:
            if op is sre_c.LITERAL:
                run.append(chr(av))
                continue
            if run:
                options.append(frozenset(["".join(run)]))
                run = []
            options += item(op, av)
        return options

    def item(op: Any, av: Any) -> list[frozenset[str]]:
        if op is sre_c.IN:
            chars = [chr(a) for o, a in av if o is sre_c.LITERAL]
            return [frozenset(chars)] if len(chars) == len(av) and len(chars) <= 4 else []
        if op is sre_c.SUBPATTERN:
            _group, add, remove, sub = av
            return [] if add or remove else sequence(sub)
        if op is sre_c.ATOMIC_GROUP:
            return sequence(av)
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            return sequence(sub) if low >= 1 else []
        if op is sre_c.BRANCH:
            union: set[str] = set()
            for alt in av[1]:
                options = sequence(alt)
                if not options:
                    return []
                union |= _best(options)
            return [frozenset(union)]
        return []

    return [o for o in sequence(tree.data) if o and all(o)]


def _within_a_line(pattern: str) -> bool:
    """Whether no match of ``pattern`` can hold a line feed (every character it takes
    is one a line feed is not), as far as its structure shows."""
    tree = _parse(pattern)
    if tree is None:
        return False
    from re import _constants as sre_c
    holds_newline = {sre_c.CATEGORY_SPACE, sre_c.CATEGORY_NOT_DIGIT, sre_c.CATEGORY_NOT_WORD, sre_c.CATEGORY_LINEBREAK}
    lacks_newline = {sre_c.CATEGORY_DIGIT, sre_c.CATEGORY_WORD, sre_c.CATEGORY_NOT_SPACE, sre_c.CATEGORY_NOT_LINEBREAK}

    def in_set(items: Any) -> bool | None:
        """Whether a line feed is in a class's items (None: cannot tell)."""
        unsure = False
        for op, av in items:
            if (op is sre_c.LITERAL and av == 10) or (op is sre_c.RANGE and av[0] <= 10 <= av[1]):
                return True
            if op is sre_c.CATEGORY and av in holds_newline:
                return True
            if not (op is sre_c.LITERAL or op is sre_c.RANGE or (op is sre_c.CATEGORY and av in lacks_newline)):
                unsure = True
        return None if unsure else False

    def sequence(items: Any) -> bool:
        return all(item(op, av) for op, av in items)

    def item(op: Any, av: Any) -> bool:
        if op is sre_c.LITERAL:
            return av != 10
        if op is sre_c.NOT_LITERAL:
            return av == 10
        if op is sre_c.ANY:
            return True  # not dot-all (see _parse)
        if op is sre_c.IN:
            if av and av[0][0] is sre_c.NEGATE:
                return in_set(av[1:]) is True
            return in_set(av) is False
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT, sre_c.GROUPREF):
            return True  # takes nothing, or what a group (checked itself) took
        if op is sre_c.SUBPATTERN:
            _group, add, remove, sub = av
            return not add and not remove and sequence(sub)
        if op is sre_c.ATOMIC_GROUP:
            return sequence(av)
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            return sequence(av[2])
        if op is sre_c.BRANCH:
            return all(sequence(alt) for alt in av[1])
        if op is sre_c.GROUPREF_EXISTS:
            return all(sequence(alt) for alt in av[1:] if alt is not None)
        return False

    return sequence(tree.data)


def _best(options: list[frozenset[str]]) -> frozenset[str]:
    """The option to look for: the fewest strings, then the longest shortest one (a
    rarer string)."""
    return min(options, key=lambda o: (len(o), -min(map(len, o))))


def _needles(patterns: list[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of any of ``patterns`` holds, or None when a
    pattern shows none. Strings already chosen for a pattern serve the others."""
    chosen: set[str] = set()
    for pattern in patterns:
        options = _required_strings(pattern)
        if not options:
            return None
        if not any(o <= chosen for o in options):
            chosen |= _best(options)
    return tuple(sorted(chosen))


def _positions(text: str, needle: str, start: int = 0) -> Iterator[int]:
    """Where ``needle`` stands in ``text`` from ``start`` on. A needle of several
    characters is looked for by its first character while that is rare: a search for
    one character skips through memory many times faster than a substring search,
    which takes over once the first character has been seen often without the rest."""
    first = needle[0]
    misses = 0
    i = text.find(first, start)
    while i >= 0:
        if text.startswith(needle, i):
            yield i
        else:
            misses += 1
            if misses > 2:
                i = text.find(needle, i + 1)
                while i >= 0:
                    yield i
                    i = text.find(needle, i + 1)
                return
        i = text.find(first, i + 1)


def _lines_holding(text: str, title: str, after: int) -> list[int]:
    r"""Starts of the lines after position ``after`` (a line feed at or after it) that
    hold ``title`` alone, within white space: the matches of
    ``\n[^\S\n]*TITLE[^\S\n]*$`` (multiline), found without compiling a pattern
    per title."""
    found: list[int] = []
    size = len(title)
    i = text.find(title, after)
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = _line_end(text, i + size)
        if start > after and not text[start:i].strip(_LINE_SPACE) and not text[i + size : end].strip(_LINE_SPACE):
            found.append(start)
            i = text.find(title, end)
        else:
            i = text.find(title, i + 1)
    return found


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


class Segment(Splitter):
    name = "segment"
    summary = "split a compilation into its documents; record its header and declared count"
    options = (
        Option(
            "delimiters",
            list,
            DEFAULT_DELIMITERS,
            "patterns of a delimiter at the start of a line that starts a document (篇1：, 【篇一】, 第二篇：, 范文3：);"
            " {N} stands for a number; the match is removed, the rest of the line (or the next line) is the title",
            regex=True,
        ),
        Option(
            "header_delimiters",
            list,
            DEFAULT_HEADER_DELIMITERS,
            "delimiter patterns that start a document only in a compilation with a count header"
            " (第一篇 followed by a space is also how long plans name their parts)",
            regex=True,
        ),
        Option(
            "count_words",
            list,
            DEFAULT_COUNT_WORDS,
            "words allowed with the count inside the brackets of a compilation header: （共3篇）, （精选10篇）",
        ),
        Option("split_on_blank_lines", bool, True, "a title line after a run of blank lines starts a document"),
        Option("min_blank_lines", int, 2, "how many blank lines in a row make a run", minimum=1),
        Option(
            "split_spaced_text_on_blank_lines",
            bool,
            False,
            "without a count header, split at runs of blank lines even in a text that puts single blank lines"
            " between its paragraphs (there, a longer run is usually spacing, not a new document)",
        ),
        Option(
            "split_on_repeated_title",
            bool,
            True,
            "each repeat of the first document's title, alone on a line, starts a document",
        ),
        Option(
            "repeated_title_needs_header",
            bool,
            True,
            "use repeated titles only in a compilation with a count header (a lone document may quote its own title)",
        ),
        Option("max_title_chars", int, 60, "longest line that may be a title (blank-line and repeated-title boundaries)", minimum=1),
        Option(
            "min_body_chars",
            int,
            100,
            "a blank-line or repeated-title boundary needs this many characters of body after the title,"
            " and in the document before it",
            minimum=0,
        ),
        Option(
            "not_title",
            list,
            DEFAULT_NOT_TITLE,
            "patterns (matched at the start of a stripped line) of lines that are never a document title:"
            " headings, salutations, attachments, dates",
            regex=True,
        ),
        Option(
            "sentence_end",
            str,
            DEFAULT_SENTENCE_END,
            "characters that, at the end of a line (before closing quotes or brackets), mean it is a sentence, not a title",
        ),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        c = self.config
        alts = [f"(?P<s{i}>{p.replace('{N}', NUMBER)})" for i, p in enumerate(c["delimiters"])]
        alts += [f"(?P<h{i}>{p.replace('{N}', NUMBER)})" for i, p in enumerate(c["header_delimiters"])]
        # One pattern anchored where a search starts (the top of the text), one that finds
        # the other lines by their line feed (far faster than trying ^ at every position).
        body = r"[^\S\n]*(?:" + "|".join(alts) + ")"
        self.delimiter_at = regex.compile(body, regex.M) if alts else None
        self.delimiter_scan = regex.compile(r"\n" + body, regex.M) if alts else None
        # Strings one of which every delimiter holds (篇, 范文): a text without any has
        # no delimiter, found with a few substring tests instead of a scan of each line.
        patterns = [p.replace("{N}", NUMBER) for p in [*c["delimiters"], *c["header_delimiters"]]]
        self.delimiter_needles = _needles(patterns)
        # Delimiters that stay within a line are found by trying only the lines that hold
        # a needle, rather than every line of the text.
        self.delimiter_lines = self.delimiter_needles is not None and all(map(_within_a_line, patterns))
        words = "|".join(regex.escape(w) for w in sorted(c["count_words"], key=len, reverse=True) if w)
        words = f"(?:{words})?" if words else ""
        sp = r"[^\S\n]*"
        count = rf"[（(【\[]{sp}{words}{sp}{NUMBER}{sp}篇{sp}{words}{sp}[）)】\]]"
        # A header line: the count in brackets anywhere, or a bare Arabic count at its end.
        self.header_bracket = regex.compile(rf"^(?P<before>.*?){count}(?P<after>.*)$")
        self.header_bare = regex.compile(r"^(?P<before>.*?[^\s0-9第共])共?(?P<num>[0-9]{1,3})篇$")
        self.count_line = regex.compile(rf"^(?:{count}|共?{NUMBER}篇)$")
        # ``re`` finds these runs several times faster; its white space is regex's
        # plus \x1c-\x1f, left out here so that the runs are the same.
        self.blank_run = re.compile(r"\n(?:[^\S\n\x1c-\x1f]*\n){%d,}" % c["min_blank_lines"])
        # Between two lines of text, fewer blank lines than make a run: the text spaces its
        # paragraphs, and without a count header its runs are not boundaries (None: they are).
        self.short_blank_run = (
            re.compile(r"\n(?<=\S\n)(?:[^\S\n\x1c-\x1f]*\n){1,%d}(?![^\S\n\x1c-\x1f]*\n)" % (c["min_blank_lines"] - 1))
            if c["min_blank_lines"] > 1 and not c["split_spaced_text_on_blank_lines"]
            else None
        )
        self.not_title = regex.compile("|".join(f"(?:{p})" for p in c["not_title"])) if c["not_title"] else None
        self.sentence_end = frozenset(c["sentence_end"])
        self.max_title = c["max_title_chars"]
        self.min_body = c["min_body_chars"]

    # --- helpers ------------------------------------------------------------------

    def title_like(self, line: str) -> bool:
        """Could this line be a document's title? Short, not a heading, not a sentence."""
        s = line.strip(_SP)
        if not s or len(s) > self.max_title:
            return False
        if self.not_title is not None and self.not_title.match(s):
            return False
        core = s.rstrip(_CLOSERS)
        return bool(core) and core[-1] not in self.sentence_end

    def _body_chars(self, text: str, start: int, stop: int) -> int:
        """Non-space characters in ``text[start:stop]`` after its first non-blank line,
        counted up to a little more than ``min_body_chars``."""
        first = _NON_SPACE.search(text, start, stop)
        if first is None:
            return 0
        nl = text.find("\n", first.start(), stop)
        if nl < 0:
            return 0
        rest = text[nl + 1 : min(stop, nl + 1 + 4 * self.min_body + 64)]
        return len("".join(rest.split()))

    def _next_line(self, text: str, pos: int) -> tuple[int, int] | None:
        """Span of the first non-blank line at or after ``pos``."""
        n = len(text)
        while pos < n:
            end = _line_end(text, pos)
            if text[pos:end].strip(_SP):
                return pos, end
            pos = end + 1
        return None

    def _header(self, text: str, start: int = 0) -> tuple[int, int, str | None, int] | None:
        """(start, end, collection title, declared count) of a count header at the top."""
        first = self._next_line(text, start)
        if first is None:
            return None
        a, b = first
        if text.find(_COUNT_MARK, a, b) < 0:
            # Each form needs 篇 on this line, but a title line with the count on the next.
            second = self._next_line(text, b + 1)
            if second is None or text.find(_COUNT_MARK, second[0], second[1]) < 0:
                return None
        line = text[a:b].strip(_SP)
        span_end = b
        title: str | None
        m = self.header_bracket.match(line)
        if m and (m.group("before").strip(_TITLE_TRIM) or m.group("after").strip(_TITLE_TRIM)):
            title = m.group("before").strip(_TITLE_TRIM) + m.group("after").strip(_TITLE_TRIM)
        elif (m := self.header_bare.match(line)) and self.title_like(m.group("before")):
            title = m.group("before").strip(_TITLE_TRIM)
        elif self.count_line.match(line):
            m, title = self.count_line.match(line), None
        else:
            second = self._next_line(text, b + 1)
            if second is None or not self.title_like(line):
                return None
            m = self.count_line.match(text[second[0] : second[1]].strip(_SP))
            if m is None:
                return None
            title, span_end = line.strip(_TITLE_TRIM), second[1]
        declared = parse_number(m.group("num"))
        end = min(span_end + 1, len(text))
        if declared < 1 or _NON_SPACE.search(text, end) is None:
            return None
        return a, end, title or None, declared

    # --- the split ----------------------------------------------------------------

    def apply(self, text: str, report: Report) -> str:
        """The text without the header and delimiters: the documents, back to back
        (each piece but the last ends with its line feed)."""
        return "".join(p.text for p in self.split(text, report))

    def _needle_lines(self, text: str, content: int) -> list[int]:
        """The line feeds at or after ``content`` that start a line holding a needle."""
        feeds = {text.rfind("\n", 0, i) for needle in self.delimiter_needles or () for i in _positions(text, needle, content)}
        return sorted(p for p in feeds if p >= content)

    def _may_hold_delimiters(self, text: str) -> bool:
        """False when ``text`` surely holds no delimiter: it has none of the needles."""
        needles = self.delimiter_needles
        return self.delimiter_at is not None and (needles is None or any(contains(text, n) for n in needles))

    def _may_split_weakly(self, text: str) -> bool:
        """False when ``text`` surely has no weak boundary (no run of blank lines, and
        repeated titles count only under a header)."""
        c = self.config
        if c["split_on_repeated_title"] and not c["repeated_title_needs_header"]:
            return True
        return bool(c["split_on_blank_lines"]) and self.blank_run.search(text) is not None

    def split(self, text: str, report: Report) -> list[Piece]:
        c = self.config
        counted = _COUNT_MARK in text  # else no header (and no header-only delimiter)
        delimited = self._may_hold_delimiters(text)
        if not counted and not delimited and not self._may_split_weakly(text):
            # A plain document, a clean segment: the one piece the general path below
            # would make, found with a few substring tests and one search.
            return [Piece(text, self._title(text))] if text else []
        header = self._header(text) if counted else None
        content = header[1] if header else 0
        removals: list[tuple[int, int]] = []
        if header:
            # Headers stacked at the top (a repeated count line) all go, so a second run finds none.
            title, declared = header[2], header[3]
            more = self._header(text, content)
            while more is not None:
                title = title or more[2]
                content = more[1]
                more = self._header(text, content)
            start, end = header[0], content
            removals.append((start, end))
            report.edit(start, end, text[start:end], "")
            if title is not None:
                report.facts["collection_title"] = title
            report.facts["declared_count"] = declared

        # Strong boundaries: delimiter lines that have a title and a body.
        raw: list[tuple[int, int, int, bool]] = []  # line start, delimiter end, line end, alone
        if delimited and self.delimiter_at is not None and self.delimiter_scan is not None:
            scan = self.delimiter_scan
            if self.delimiter_lines:
                # The scan's try at each of those line feeds, and no other can match.
                found = [(p + 1, m) for p in self._needle_lines(text, content) if (m := scan.match(text, p)) is not None]
            else:
                found = [(m.start() + 1, m) for m in scan.finditer(text, content)]
            top = self.delimiter_at.match(text, content)
            if top is not None:
                found.insert(0, (content, top))
            stop = len(text)
            # Backwards, so that a header-only delimiter without a body (it would not be
            # one once the header is gone) is plain text for the delimiters before it.
            for line_start, m in reversed(found):
                line_end = _line_end(text, m.end())
                if m.lastgroup and m.lastgroup[0] == "h" and (not header or not text[line_end:stop].strip()):
                    continue
                alone = not text[m.end() : line_end].strip(_SP)
                raw.append((line_start, m.end(), line_end, alone))
                stop = line_start
            raw.reverse()
        # A delimiter with no body before the next one (a table of contents, a doubled
        # delimiter) is not a boundary; its delimiter goes with the boundary that ends the
        # run, so that a second run over the output finds the same boundaries. A run that
        # never reaches a boundary (at the end of a truncated text) stays as it is.
        strong: dict[int, tuple[int, int]] = {}  # line start -> removed span
        pending: list[tuple[int, int]] = []
        dropped: list[tuple[int, int]] = []
        for i, (start, dend, line_end, alone) in enumerate(raw):
            stop = raw[i + 1][0] if i + 1 < len(raw) else len(text)
            rest = text[line_end:stop].strip()
            span = (start, min(line_end + 1, len(text))) if alone else (start, dend)
            if counted and self._header(text, span[1]) is not None:
                # Its title would read as a compilation header once the delimiter is
                # gone: leave it, and the run before it, as text.
                pending = []
            elif ("\n" in rest) if alone else bool(rest):  # a title and a body
                strong[start] = span
                dropped.extend(pending)
                pending = []
            else:
                pending.append(span)

        # Weak boundaries: titles after blank lines, repeats of the first title.
        weak: set[int] = set()
        if c["split_on_blank_lines"]:
            for m in self.blank_run.finditer(text, max(content - 1, 0)):
                pos = m.end()
                if (
                    pos > content
                    and pos not in strong
                    and self.title_like(text[pos : _line_end(text, pos)])
                    and not (counted and self._header(text, pos) is not None)
                ):
                    weak.add(pos)
            if weak and not header and self.short_blank_run and self.short_blank_run.search(text, content):
                weak.clear()  # the text spaces its paragraphs: its longer gaps are more of that
        if c["split_on_repeated_title"] and (header or not c["repeated_title_needs_header"]):
            first = self._next_line(text, content)
            if first is not None and first[0] not in strong:
                title = text[first[0] : first[1]].strip(_SP)
                if self.title_like(title):
                    for pos in _lines_holding(text, title, first[1]):
                        if pos not in strong:
                            weak.add(pos)

        if not header and not raw and not weak:
            # Nothing to cut or remove (a plain document, a clean segment): the text is
            # its one piece, as the general path below would make it.
            return [Piece(text, self._title(text))] if text else []

        cuts: list[int] = []
        if weak:
            strong_sorted = sorted(strong)
            last = content
            for pos in sorted({*strong, *weak}):
                if pos in strong:
                    cuts.append(pos)
                    last = pos
                    continue
                k = bisect_right(strong_sorted, pos)  # the first strong boundary after pos (no scan from the top)
                nxt = strong_sorted[k] if k < len(strong_sorted) else len(text)
                if self._body_chars(text, last, pos) >= self.min_body and self._body_chars(text, pos, nxt) >= self.min_body:
                    cuts.append(pos)
                    last = pos
        else:
            cuts = sorted(strong)

        spans = sorted([*dropped, *(strong[p] for p in cuts if p in strong)])
        for a, b in spans:
            removals.append((a, b))
            report.edit(a, b, text[a:b], "")
        removals.sort()

        # Cut the text into pieces, leaving the removed spans out.
        bounds = [0, *(p for p in cuts if p > 0), len(text)]
        bodies: list[str] = []
        r = 0
        for a, b in zip(bounds, bounds[1:]):
            parts, pos = [], a
            while r < len(removals) and removals[r][0] < b:
                ra, rb = removals[r]
                parts.append(text[pos:ra])
                pos = max(pos, rb)
                r += 1
            parts.append(text[pos:b])
            bodies.append("".join(parts))
        # A piece with nothing but white space joins the next one (the last joins the previous).
        merged: list[str] = []
        carry = ""
        for body in bodies:
            if not body or body.isspace():  # blank (strip() would copy the whole piece)
                carry += body
                continue
            merged.append(carry + body)
            carry = ""
        if carry:
            if merged:
                merged[-1] += carry
            else:
                merged.append(carry)

        pieces = [Piece(body, self._title(body)) for body in merged]
        if header:
            declared = header[3]
            found = sum(1 for p in pieces if p.text and not p.text.isspace())
            if found != declared:
                why = "the source may be truncated" if found < declared else "some may not be separate documents"
                report.warn(
                    f"the compilation header declares {declared} documents but {found} were found;"
                    f" all text is kept ({why})"
                )
        return pieces

    @staticmethod
    def _title(body: str) -> str | None:
        pos, n = 0, len(body)
        while pos < n:
            end = _line_end(body, pos)
            line = body[pos:end].strip(_SP)
            if line:
                return line
            pos = end + 1
        return None
