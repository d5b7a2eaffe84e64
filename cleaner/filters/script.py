"""script: Traditional Chinese becomes Simplified (OpenCC), when the text is Traditional.

Changes: in ``mode = "auto"`` (the default) a text whose Han characters are mostly
Traditional is converted with OpenCC (``opencc_config``, ``t2s`` by default);
``"always"`` converts every text, ``"never"`` none.

How ``auto`` judges: the share of *Traditional-only* characters among all Han
characters of the text the filter receives (the whole input, before it is split into
documents). A character is Traditional-only when OpenCC's conversion changes it and
OpenCC's ``s2t`` leaves it as it is (``們``, ``後``, ``發``, ``裏``); a Simplified
character that a buggy dictionary would change (``坏`` -> ``坯`` in OpenCC 1.4.0) is
not one, because ``s2t`` changes it. The text is converted when the share reaches
``threshold`` (default 0.1). Measured on the seed documents: 0.0 for every Simplified
seed (not one Traditional-only character in 41,000 Han characters); 0.33-0.36 for the
same documents made Traditional with OpenCC ``s2t``, ``s2twp`` or ``s2hk``, and at
least 0.088 for any of their paragraphs of 30 or more Han characters. 0.1 is far from
both: a text is converted when roughly a third or more of its running text is
Traditional. A text with some Traditional characters but a share below the threshold
(at least half of it) is left alone with a warning.

Never: runs the converter on a text judged Simplified (OpenCC's ``t2s`` changes a few
Simplified characters and phrases); touches anything but Han characters changed by
OpenCC; builds the converter more than once per filter object (it is made on first
use, so a profile that never converts never loads a dictionary).

Every conversion is reported as edits: with ``audit = "run"`` (default) one edit per
run of adjacent changed characters (``們`` -> ``们``, ``發展`` -> ``发展``); with
``audit = "line"`` one edit per changed line, holding the whole line before and after.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from cleaner.core import HAN_RANGES, Filter, Option, Report, apply_edits

TO_SIMPLIFIED = ("t2s", "tw2s", "tw2sp", "hk2s", "hk2sp")

_HAN_RUN = re.compile(f"[{HAN_RANGES}]+")  # runs: counting them is ~5x faster than single characters
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# Every Han code point OpenCC's dictionaries can know about: CJK unified ideographs,
# extension A, compatibility ideographs and the supplementary planes' extensions.
_HAN_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2EE60), (0x30000, 0x323B0))


@functools.lru_cache(maxsize=None)
def traditional_characters(config: str = "t2s") -> frozenset[str]:
    """The Han characters that OpenCC ``config`` changes and ``s2t`` keeps: the
    characters found only in Traditional text. Pure; computed once per config."""
    import opencc

    chars = [chr(c) for lo, hi in _HAN_BLOCKS for c in range(lo, hi)]
    joined = "\n".join(chars)  # one character per line: no phrase spans two of them
    to_simple = opencc.OpenCC(config).convert(joined).split("\n")
    to_trad = opencc.OpenCC("s2t").convert(joined).split("\n")
    if not len(chars) == len(to_simple) == len(to_trad):  # pragma: no cover - OpenCC keeps lines
        raise RuntimeError("OpenCC changed the number of lines while building the character table")
    return frozenset(c for c, s, t in zip(chars, to_simple, to_trad) if s != c and t == c)


def _char_class(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


class Script(Filter):
    name = "script"
    summary = "convert Traditional Chinese to Simplified with OpenCC when the text is Traditional"
    options = (
        Option("mode", str, "auto", "auto: convert a text whose Han characters are mostly Traditional; always; never", choices=("auto", "always", "never")),
        Option("opencc_config", str, "t2s", "the OpenCC conversion used", choices=TO_SIMPLIFIED),
        Option(
            "threshold",
            float,
            0.1,
            "in auto mode, the share of Traditional-only characters among the Han characters from which a text is converted",
            minimum=0.0,
            maximum=1.0,
        ),
        Option("audit", str, "run", "how a conversion is reported: one edit per run of changed characters, or per changed line", choices=("run", "line")),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        self.mode: str = self.config["mode"]
        self.opencc_config: str = self.config["opencc_config"]
        self.threshold: float = self.config["threshold"]
        self.audit: str = self.config["audit"]
        self._converter: Any = None
        self._traditional: tuple[re.Pattern[str], re.Pattern[str] | None] | None = None

    # -- lazily built pieces ---------------------------------------------------

    @property
    def converter(self) -> Any:
        if self._converter is None:
            import opencc

            self._converter = opencc.OpenCC(self.opencc_config)
        return self._converter

    @property
    def traditional(self) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
        """Patterns of the Traditional-only characters: those of the BMP, and those
        beyond it (or None). A class of BMP characters alone scans ~150x faster."""
        if self._traditional is None:
            chars = traditional_characters(self.opencc_config)
            bmp = frozenset(c for c in chars if ord(c) <= 0xFFFF)
            astral = chars - bmp
            self._traditional = (re.compile(_char_class(bmp)), re.compile(_char_class(astral)) if astral else None)
        return self._traditional

    # -- judging -----------------------------------------------------------------

    def traditional_share(self, text: str) -> float:
        """Share of Traditional-only characters among the Han characters of ``text``."""
        bmp, astral = self.traditional
        trad = len(bmp.findall(text))
        if astral is not None and _ASTRAL.search(text):
            trad += len(astral.findall(text))
        if not trad:
            return 0.0
        han = sum(map(len, _HAN_RUN.findall(text)))
        return trad / han if han else 0.0

    def apply(self, text: str, report: Report) -> str:
        if self.mode == "never" or text.isascii():
            return text
        if self.mode == "auto":
            share = self.traditional_share(text)
            if share < self.threshold:
                if share >= self.threshold / 2:
                    report.warn(
                        f"the text is partly Traditional Chinese ({share:.0%} of its Han characters are Traditional-only, "
                        f"below the {self.threshold:.0%} that converts it) and was left as it is"
                    )
                return text
        converted = self.converter.convert(text)
        if converted == text:
            return text
        return apply_edits(text, self._edits(text, converted), report)

    # -- reporting ---------------------------------------------------------------

    def _edits(self, old: str, new: str) -> list[tuple[int, int, str]]:
        old_lines = old.split("\n")
        new_lines = new.split("\n")
        if len(old_lines) != len(new_lines):  # pragma: no cover - OpenCC keeps line breaks
            return [(0, len(old), new)]
        edits: list[tuple[int, int, str]] = []
        pos = 0
        for a, b in zip(old_lines, new_lines):
            if a != b:
                if self.audit == "run" and len(a) == len(b):
                    edits.extend(_runs(a, b, pos))
                else:
                    edits.append((pos, pos + len(a), b))
            pos += len(a) + 1
        return edits


def _runs(a: str, b: str, offset: int) -> list[tuple[int, int, str]]:
    """Runs of differing characters of two strings of the same length, as edits."""
    edits: list[tuple[int, int, str]] = []
    start = -1
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            if start < 0:
                start = i
        elif start >= 0:
            edits.append((offset + start, offset + i, b[start:i]))
            start = -1
    if start >= 0:
        edits.append((offset + start, offset + len(a), b[start:]))
    return edits
