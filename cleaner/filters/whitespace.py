"""whitespace: spaces inside a line, GB/T 15834 style.

Changes (every space means any character of the ``spaces`` option: ASCII space, TAB,
NBSP, U+3000 ideographic space, the U+2000 typographic spaces ...):

- a run of spaces next to a Chinese character or Chinese punctuation is removed:
  ``x 家`` -> ``x家``, ``2023 年`` -> ``2023年``, ``引入 VR等`` -> ``引入VR等``,
  ``经费达 *万元`` -> ``经费达*万元``, ``魅力帅乡 多彩`` -> ``魅力帅乡多彩``;
- punctuation that Chinese and Latin text share (curly quotes, dashes, ellipsis, middle
  dots: the ``shared`` option) counts as Chinese when the first character beyond it
  (past more shared punctuation and spaces) is Chinese: ``说 “你好”`` -> ``说“你好”``,
  ``x — 人`` -> ``x—人``, but ``the “best” way`` keeps its spaces;
- any other run of spaces (between Latin words, numbers, ASCII punctuation) becomes one
  ASCII space: ``Hello  world`` -> ``Hello world``; ``COVID 19`` stays;
- spaces at the start of a line (paragraph indentation, e.g. two ideographic spaces)
  and at its end are removed; a line of spaces only becomes an empty line.

Never: a line break. Lines are not joined and blank lines are not removed (the
segmenter reads runs of blank lines); a single ASCII space between two non-Chinese
characters is not touched.
"""
from __future__ import annotations

import re
from itertools import accumulate, compress
from operator import ne
from typing import Any

from cleaner.core import HAN_RANGES, Filter, Option, Report

DEFAULT_SPACES = "\\t \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000"
"""Regex class body: the characters treated as spaces (never LF)."""

DEFAULT_CHINESE = (
    HAN_RANGES
    + "\\u2e80-\\u2fdf\\u3001-\\u303f\\u3040-\\u30ff\\u3100-\\u312f\\u31c0-\\u31ef"
    + "\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65\\ufe10-\\ufe1f\\ufe30-\\ufe4f"
)
"""Regex class body: Han characters, radicals, kana, bopomofo and full-width / CJK
punctuation (without the ideographic space itself)."""

DEFAULT_SHARED = "\\u00b7\\u2013\\u2014\\u2015\\u2018\\u2019\\u201c\\u201d\\u2022\\u2026\\u2027"
"""Regex class body: punctuation used by both Chinese and Latin text; it is Chinese
when the character beyond it is."""


class Whitespace(Filter):
    name = "whitespace"
    summary = "remove spaces next to Chinese text and at line edges; collapse other runs of spaces"
    options = (
        Option("spaces", str, DEFAULT_SPACES, "regex character-class body (no brackets) of the characters treated as spaces; must not contain LF", regex=True),
        Option("chinese", str, DEFAULT_CHINESE, "regex character-class body of Chinese characters and punctuation: a space next to one is removed", regex=True),
        Option("shared", str, DEFAULT_SHARED, "regex character-class body of punctuation shared by Chinese and Latin text (quotes, dashes, ellipsis, middle dot): Chinese when the character beyond it is Chinese", regex=True),
        Option("strip_line_edges", bool, True, "remove spaces at the start (indentation) and at the end of every line"),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        spaces: str = self.config["spaces"]
        chinese: str = self.config["chinese"]
        shared: str = self.config["shared"]
        for probe in ("\n", "\r"):
            if re.fullmatch(f"[{spaces}]", probe):
                raise ValueError("whitespace: the 'spaces' option must not contain a line break")
        self._any_space = self._space = re.compile(f"[{spaces}]")
        self._chinese = re.compile(f"[{chinese}]")
        self._shared = re.compile(f"[{shared}]")
        self._strip_edges: bool = self.config["strip_line_edges"]
        # Candidates only: runs of two or more spaces, any one space that is not an
        # ASCII space, and single ASCII spaces at a line edge or next to Chinese or
        # shared punctuation. A plain space between two Latin words is never a
        # candidate. Every branch starts by consuming a space, so the regex engine
        # skips quickly to the next space.
        self._pattern = re.compile(
            rf"[{spaces}]"
            rf"(?:[{spaces}]+"
            rf"|(?<=[^ ])"
            rf"|(?<![^\n][{spaces}])"
            rf"|(?<=[{chinese}{shared}][{spaces}])"
            rf"|(?=[{chinese}{shared}\n]|\Z))"
        )
        # The same candidates, each a whole run of spaces, sorted by what becomes of
        # them when line edges are stripped, so that only the rare doubtful ones need
        # Python:
        #   "drop": a line edge or a Chinese character on either side: removed;
        #   "shared": shared punctuation on a side: _replace decides;
        #   neither: two or more spaces, or one that is not an ASCII space: one space.
        # The group around it all makes split return the runs.
        # "{first}" is the first space: the class, or " " for a text that can hold no
        # other space (see apply), which re looks for several times faster.
        sp = f"[{spaces}]"
        sorted_pattern = (
            f"({{first}}(?:"
            f"(?:(?:(?<![^\\n]{sp})|(?<=[{chinese}]{sp})){sp}*+|{sp}*+(?:(?![^\\n])|(?=[{chinese}])))(?P<drop>)"
            f"|(?:(?<=[{shared}]{sp}){sp}*+|{sp}*+(?=[{shared}]))(?P<shared>)"
            f"|{sp}++|(?<=[^ ])"
            f"))"
        )
        self._by_class = re.compile(sorted_pattern.replace("{first}", sp, 1))
        self._by_space = re.compile(sorted_pattern.replace("{first}", " ", 1))
        # With the default spaces, every space but the ASCII one is unprintable (TAB,
        # NBSP, U+3000 and the other Unicode spaces): a text that is printable apart
        # from its line breaks holds no space but " ".
        self._only_ascii_space_if_printable = spaces == DEFAULT_SPACES

    def apply(self, text: str, report: Report) -> str:
        if not self._strip_edges:
            return self._apply_each(text, report)
        if self._only_ascii_space_if_printable and text.replace("\n", "_").isprintable():
            if " " not in text:
                return text
            pattern = self._by_space
        else:
            pattern = self._by_class
        # split (in C) gives the text between runs and, for each run, the run and its
        # two flags ("" when set, else None). The rest works on whole lists in C too:
        # no Python code per run but for the rare doubtful ones.
        parts = pattern.split(text)
        if len(parts) == 1:
            return text
        runs = parts[1::4]
        news = list(map(_NEW_RUN.__getitem__, parts[2::4]))
        shared = parts[3::4]
        del parts[2::4]
        del parts[2::3]
        ends = list(accumulate(map(len, parts)))
        if "" in shared:
            decide = self._replace
            for i, flag in enumerate(shared):
                if flag is not None:
                    news[i] = decide(text, ends[2 * i], ends[2 * i + 1])
        edits = list(compress(zip(ends[0::2], ends[1::2], runs, news), map(ne, runs, news)))
        if not edits:
            return text
        report.add(edits)
        parts[1::2] = news
        return "".join(parts)

    def _apply_each(self, text: str, report: Report) -> str:
        """The same, one candidate at a time (when line edges keep their spaces)."""
        edit = report.edit
        decide = self._replace

        # pattern.sub builds the result in C; match positions are those of ``text``,
        # so each change is reported with its span in the received text.
        def replace(m: re.Match[str]) -> str:
            old = m.group()
            new = decide(text, *m.span())
            if new != old:
                edit(m.start(), m.end(), old, new)
            return new

        return self._pattern.sub(replace, text)

    def _is_chinese_side(self, text: str, i: int, step: int) -> bool:
        """Whether the character at ``i`` (a neighbour of a run of spaces) makes the run
        Chinese: a Chinese character, or shared punctuation with Chinese beyond it
        (spaces between are skipped, so the answer does not change once they go)."""
        n = len(text)
        if not 0 <= i < n:
            return False
        if self._chinese.match(text, i):
            return True
        if not self._shared.match(text, i):
            return False
        while 0 <= i < n and (self._shared.match(text, i) or self._space.match(text, i)):
            i += step
        return 0 <= i < n and bool(self._chinese.match(text, i))

    def _replace(self, text: str, start: int, end: int) -> str:
        """What the run of spaces ``text[start:end]`` becomes."""
        before = text[start - 1] if start > 0 else "\n"
        after = text[end] if end < len(text) else "\n"
        if before == "\n" or after == "\n":
            return "" if self._strip_edges else text[start:end]
        if self._is_chinese_side(text, start - 1, -1) or self._is_chinese_side(text, end, 1):
            return ""
        return " "


_NEW_RUN = {"": "", None: " "}
"""What a run becomes by its "drop" flag ("" when set): removed, or one space."""
