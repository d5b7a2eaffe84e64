"""placeholders: redaction placeholders become ``X``, one ``X`` per character.

Material sites blank out names and numbers with runs of ``x``, ``X``, ``*``, ``＊``,
``×``, ``ｘ`` or ``Ｘ`` (the ``characters`` option). Each such run becomes the same
number of ``X``, so the length of what was hidden survives:

- ``xx人`` -> ``XX人``, ``**县`` -> ``XX县``, ``*名`` -> ``X名``, ``xxxx年`` -> ``XXXX年``;
- a run may follow digits: ``20xx年`` -> ``20XX年``;
- runs joined by dots are one placeholder and the dots stay: ``x.xx万株`` -> ``X.XX万株``;
- ``XXX：`` is already clean and stays.

A run is a placeholder only when it stands alone. It is left as it is when

- a Latin letter (or ``_``) touches it on either side, so it is part of a Latin word
  (``svip``, ``Excel``, ``taxi``, ``xD`` as a word), or a digit follows it
  (``x86``, ``3x3``), or a dot and a letter follow it or a letter and a dot precede it
  (``x.com``, ``a.x``);
- one of the ``exceptions`` (regular expressions, tried at the start of the run; they
  may look behind) matches there. The defaults keep a ``×``/``x``/``*`` between two
  numbers (``3 × 4``), the fixed terms ``X光``, ``X射线``, ``X线``, ``X轴`` and
  ``X染色体``, ``长×宽×高`` and the variable in ``f(x)``. Profiles extend the list
  (``exceptions.add = [...]``).

The one exception to "a letter touches it": a run directly followed by a single
capital letter and then a Chinese character (``xD人才``, ``xA级景区``, ``xG网络``) is a
placeholder: the capital is a letter standing in Chinese text on its own, most often an
obfuscated character restored by the ``obfuscation`` filter that runs next (``xD人才``
-> ``XD人才`` here -> ``X党人才`` there). ``capital_before_han = false`` turns this off.

Never: a character that is not in ``characters``, the length of a run, or the dots
and other punctuation between runs.
"""
from __future__ import annotations

import re
from itertools import accumulate, compress
from operator import ne
from typing import Any

import regex

from cleaner.core import HAN_RANGES, LINE_BLOCK, Filter, Option, Report

DEFAULT_CHARACTERS = "xX*＊×ｘＸ"

DEFAULT_EXCEPTIONS = [
    r"(?:(?<=\d)|(?<=\d[ \t]))[xX×*＊ｘＸ](?=[ \t]?\d)",
    r"[XxＸｘ](?=光|射线|线|轴|染色体)",
    r"(?<=[长宽高])[×xX*＊](?=[长宽高])",
    r"(?<=[A-Za-z]\()[xX](?=\))",
]
"""The same list as in profiles/default.toml (a test keeps the two equal)."""

_LETTER = "A-Za-z_\uff21-\uff3a\uff41-\uff5a"
_ALNUM = _LETTER + "0-9\uff10-\uff19"


class Placeholders(Filter):
    name = "placeholders"
    summary = "turn redaction placeholders (xx, **, ××, ...) into X, one X per character"
    options = (
        Option("characters", str, DEFAULT_CHARACTERS, "the characters placeholders are made of, as a plain string (each character counts)"),
        Option(
            "exceptions",
            list,
            DEFAULT_EXCEPTIONS,
            "regular expressions tried at the start of each placeholder-like run (they may look behind); a run where one matches is left as it is",
            regex=True,
        ),
        Option(
            "capital_before_han",
            bool,
            True,
            "a run directly followed by one capital letter and a Chinese character is a placeholder (xD人才, xA级)",
        ),
        Option("mark", str, "X", "the character each placeholder character becomes"),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        chars: str = self.config["characters"]
        if not chars or len(self.config["mark"]) != 1:
            raise ValueError("placeholders: 'characters' must not be empty and 'mark' must be one character")
        ph = f"[{re.escape(chars)}]"
        right_ok = f"(?![{_ALNUM}]|\\.[{_LETTER}])"
        if self.config["capital_before_han"]:
            right_ok = f"(?:{right_ok}|(?=[A-Z][{HAN_RANGES}]))"
        # The pattern without its first character: that is consumed before the look-
        # behinds, so the engine skips quickly from one candidate character to the
        # next. The cheap look-behinds come first: most characters of a run fail one.
        # (No placeholder character or letter before the run, nor before a dot before it.)
        before = f"[{_LETTER}{re.escape(chars)}]"
        body = (
            f"(?<!{before}{ph})(?<!{before}\\.{ph})"
            "{exceptions}"
            f"(?>{ph}*+(?:\\.{ph}+)*+)"
            f"{right_ok}"
        )
        self._mark: str = self.config["mark"]
        self._translate = str.maketrans(dict.fromkeys(chars, self._mark))
        self._chars = "".join(dict.fromkeys(chars))
        # Text whose only placeholder characters are the mark itself cannot change
        # (a clean text, above all on the chain's settling passes): skip it.
        self._trigger_chars = "".join(sorted(set(chars) - {self._mark}))
        exceptions: list[str] = self.config["exceptions"]
        self._exceptions: Any = None
        excepted = ""
        if exceptions:
            joined = "|".join(f"(?:{p})" for p in exceptions)
            # The exceptions go into the pattern, tried where a run starts: the look-
            # behind steps back over the run's first character and looks ahead from
            # there. No Python call per run; runs inside a run cannot match, so
            # skipping a run character by character finds nothing more.
            excepted = f"(?<!(?=(?:{joined})){ph})"
            try:
                re.compile(ph + body.replace("{exceptions}", excepted))
            except re.error:  # syntax of the regex module only: tried on each run instead
                self._exceptions = regex.compile(joined)
                excepted = ""
        self._body = body.replace("{exceptions}", excepted)
        self._ph = ph
        self._pattern = re.compile(ph + self._body)
        self._grouped = self._pattern.groups > 0
        """An exception with groups of its own: ``split`` would hand those back too."""
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._sep = next(c for c in map(chr, range(10, 0x110000)) if c not in chars and c not in (".", self._mark))
        """Joins the runs for one translate: a character no run holds and none becomes."""

    def _for(self, present: str) -> re.Pattern[str]:
        """The pattern for a text that holds only the placeholder characters
        ``present``, the whole run a group (for ``split``). When that is one character,
        the run starts with it: a literal, which re looks for several times faster than
        a class (and finds the same runs in such a text). Built when first needed."""
        key = present if len(present) == 1 else ""
        pattern = self._patterns.get(key)
        if pattern is None:
            first = re.escape(present) if key else self._ph
            pattern = self._patterns[key] = re.compile(f"({first}{self._body})")
        return pattern

    def apply(self, text: str, report: Report) -> str:
        holds = text.__contains__
        if not any(map(holds, self._trigger_chars)):
            return text
        present = "".join(filter(holds, self._chars))
        if self._exceptions is not None or self._grouped or len(text) > LINE_BLOCK:
            # (a huge text: the lists below would cost several times its size)
            return self._apply_each(text, report)
        pattern = self._for(present)
        # split (in C) gives the text between runs and the runs, alternately; the
        # rest works on whole lists in C too, with no Python code per run: the new
        # runs, the spans (running sums of the lengths) and the edits (the runs that
        # change).
        parts = pattern.split(text)
        if len(parts) == 1:
            return text
        runs = parts[1::2]
        # Every placeholder character becomes the mark, the dots between the runs of
        # a placeholder stay: one translate of all runs at once.
        sep = self._sep
        news = sep.join(runs).translate(self._translate).split(sep)
        ends = list(accumulate(map(len, parts)))
        spans = zip(ends[0::2], ends[1::2], runs, news)
        if self._mark in present:  # a run of marks only is left as it is
            edits = list(compress(spans, map(ne, runs, news)))
            if not edits:
                return text
        else:
            edits = list(spans)
        report.add(edits)
        parts[1::2] = news
        return "".join(parts)

    def _apply_each(self, text: str, report: Report) -> str:
        """The same, one run at a time, with the exceptions tried on each run."""
        mark = self._mark
        exceptions = self._exceptions
        translate = self._translate
        edit = report.edit

        # pattern.sub builds the result in C; match positions are those of ``text``,
        # so each change is reported with its span in the received text.
        def replace(m: re.Match[str]) -> str:
            token = m.group()
            new = mark * len(token) if "." not in token else token.translate(translate)
            if new == token:
                return token
            start = m.start()
            if exceptions is not None and exceptions.match(text, start):
                return token
            edit(start, m.end(), token, new)
            return new

        return self._pattern.sub(replace, text)
