"""punctuation: GB/T 15834 style punctuation in Chinese text (SPEC §3 item 7).

Runs after ``whitespace`` (no spaces left next to Han or Chinese punctuation) and
before ``placeholders`` (so redaction placeholders ``x``, ``xx``, ``*``, ``×`` are still
raw here).

What it changes
---------------
1. **Width fold.** Full-width digits and Latin letters, and the symbols of ``fold``
   (``％＋－＝／＃＆＠``), become half-width (``８％`` → ``8%``, ``中心＋海外`` →
   ``中心+海外``). With ``number_marks``, a full-width colon inside a clock time (one or
   two digits, colon, two digits: ``10：30``) becomes ``:`` and a full-width full stop
   between digits (``１．５``) becomes ``.``.
2. **Parentheses** become ``（）`` when the pair is Chinese: its content holds Han or
   Chinese punctuation, or the text next to it outside is Chinese (``(一)``, ``(10篇)``,
   ``(同比增长34.0%),``, ``表(1)``, ``(1)加强``, ``f(x)的值``). Pairs are matched per line
   with a stack, so a converted ``(`` converts its partner ``)``; a half-converted pair
   (``(一）``) is completed. An unpaired one converts only by its own neighbours.
3. **Straight quotes** ``"`` / ``'`` become ``“”`` / ``‘’``, alternating along the line
   (curly quotes already there take part), when the pair is Chinese (same test as
   parentheses). ``'`` between two ASCII letters or digits is an apostrophe
   (``don't``) and is never touched. An unpaired quote converts by its own neighbours;
   it becomes a closing quote when only punctuation or the line end follows it, and
   right after a digit it is a unit and stays (``55"``). Minutes and seconds of an angle
   (``116°23'17"``) are never quotes.
4. **Marks** ``, ; : ? !`` (option ``marks``) become ``，；：？！`` in Chinese context,
   and spaces right after a converted mark go (``drop_spaces``; a full-width mark carries
   its own spacing). A run such as ``?!`` is decided as one. The rule:

   * Look at the nearest characters before and after on the same line, passing over
     spaces, other ASCII marks and placeholder runs (``placeholders``: ``xX*＊×ｘＸ``).
     The mark is Chinese when either of them is Han or Chinese punctuation
     (``，。“”（）《》【】…``, including the brackets and quotes converted by steps 2-3).
     This gives ``以下三方面:`` at line end → ``：``, ``频现:6月`` → ``频现：6月``,
     ``2025年,XX市``, ``43.9%,其中`` (a digit or ``%`` before and Han after),
     ``智汇xx,``, ``,**部长``, and ``cwk,请`` → ``cwk，请``: a Latin word before and Han
     after is a Chinese sentence going on, so the mark is Chinese (the score tool's
     residue check agrees).
   * Number-like exceptions win when a digit or placeholder is right before the mark:
     ``,`` followed by exactly three digits/placeholders is a thousands separator
     (``X,XXX万元``), ``:`` followed by exactly two is a clock time (``XX:XX召开``).
   * Everything else stays: ``Hello, world: yes; no? ok!``, ``1,000``, ``10:30``,
     ``http://a.b/c?d=1``, ``VR,AR`` (Latin on both sides, even inside a Chinese
     sentence).
5. **Full stop** ``.`` becomes ``。`` only where it ends a Chinese sentence: before it
   Han, a closing Chinese quote/bracket, or a placeholder run that follows Han; after it
   the line end, Han, or a closing Chinese quote/bracket. After ``%`` it converts when
   Han follows, or at line end when the number it ends follows Han (``增长30%.``).
   Never after a digit (``30.4%``, ``1.2亿元``, ``1.加强领导``; ``增长5.`` stays too: it
   could be a cut decimal), never between Latin letters (``e.g.``, URLs), never in
   ``x.x版`` or an ellipsis ``...``, and never after a Han numeral that opens its line
   (``一.加强领导`` stays: GB/T wants ``一、``, a rewrite rather than a width change).
6. **Middle dot**: ``•``, ``・``, ``‧`` (``middle_dots``) between Han words, or a
   placeholder run touching Han, become ``·`` (``筑梦乡村•奋斗有我``,
   ``智汇xx•才领未来``); a list bullet at line start stays.

Why not autocorrect or zhlint: autocorrect (huacnlee) converts ``,?`` with a CJK
character on either side but ``.:!`` only between CJK characters or before the line
end, skips ``;`` and parentheses, and misses ``%,其中`` and ``频现:6月``. zhlint's
punctuation-width rule keeps ``()`` half-width by default and skips marks between
half-width content. Here ``;`` and ``:`` follow the
rule of ``,``, brackets and quotes are paired, placeholders count as the text beyond
them, and numbers, times and Latin text are protected by explicit tests.

Stability: the result does not depend on how often the filter runs (brackets and quotes
are redone per line until nothing changes; marks see through each other), so
f(f(x)) == f(x).

Never touched: full-width Chinese punctuation is never made half-width (only the
number marks of step 1); ``-``, ``+``, ``%``, ``/`` and ``.`` inside numbers
(``20%-30%``, ``1-3个月``, ``“1+10”``, ``7.2%``); anything between Latin words; ``[]``,
``<>`` and ``...`` (not asked for); line structure (no line is joined or removed).
Every edit is one character for one, except the spaces dropped after a converted mark.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate, chain, compress, repeat
from operator import add, getitem, is_not, itemgetter, ne, not_, setitem
from typing import Any

from cleaner.core import CJK_PUNCT, HAN_RANGES, Filter, Option, Report, in_line_blocks

_FW_DIGITS_LETTERS = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(r[0], r[1] + 1)}
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_CLOSE = "”’）》」』】〕〉"
_OPEN = "“‘（《「『【〔〈"
_NUMERALS = frozenset("一二三四五六七八九十百千零〇两")
_DIGITS = "0123456789"
_START = itemgetter(0)
_NEW = itemgetter(2)


def _cls(chars: str) -> str:
    """A regex character class body matching exactly the characters of ``chars``."""
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


def _alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _halfwidth(c: str) -> str:
    return chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c


class Punctuation(Filter):
    name = "punctuation"
    summary = "GB/T 15834 punctuation: full-width marks, parentheses and quotes in Chinese text; half-width digits and letters"
    options = (
        Option("marks", str, ",;:?!", "ASCII marks that become full-width (，；：？！) in Chinese context; a subset of ',;:?!'."),
        Option("full_stop", bool, True, "Turn '.' into '。' where it ends a Chinese sentence."),
        Option("parentheses", bool, True, "Turn ( ) into （ ） around or next to Chinese text (paired per line)."),
        Option("quotes", bool, True, "Turn straight quotes \" ' into “” ‘’ in Chinese context (alternating per line)."),
        Option("middle_dots", str, "•・‧", "Dots that become '·' between Chinese words (empty: none)."),
        Option("fold_alnum", bool, True, "Turn full-width digits and Latin letters into half-width ones."),
        Option("fold", str, "％＋－＝／＃＆＠", "Full-width symbols that become half-width."),
        Option("number_marks", bool, True, "Turn a full-width colon inside a clock time (10：30) and a full-width full stop between digits (１．５) half-width."),
        Option("placeholders", str, "xX*＊×ｘＸ", "Redaction placeholder characters; a run of them next to Chinese text counts as Chinese."),
        Option("drop_spaces", bool, True, "Drop the spaces right after a mark that became full-width."),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        cfg = self.config
        marks, dots, ph = cfg["marks"], cfg["middle_dots"], cfg["placeholders"]
        if any(c not in _FULL for c in marks):
            raise ValueError(f"punctuation: marks may only hold the characters ,;:?! (got {marks!r})")
        if any(c in " \t\n.%" or c in _FULL or c in "()\"'" for c in ph):
            raise ValueError(f"punctuation: placeholders must not hold spaces, line breaks or punctuation (got {ph!r})")
        if any(c in " \t\n" or c in _FULL for c in dots):
            raise ValueError(f"punctuation: middle_dots must not hold spaces, line breaks or marks (got {dots!r})")
        if any(_halfwidth(c) == c for c in cfg["fold"]):
            raise ValueError(f"punctuation: fold may only hold full-width forms U+FF01-U+FF5E (got {cfg['fold']!r})")
        self._marks = marks
        # Parentheses and quotes look through ASCII marks to the text beyond them (the
        # marks are decided later, by the same kind of context), so that ``a(b),中``
        # gives ``a（b），中`` at once rather than on a second run.
        self._chain = " \t" + marks + ph
        self._skip = self._chain + "."
        self._parens, self._quotes = cfg["parentheses"], cfg["quotes"]
        pair_chars = ("()" if cfg["parentheses"] else "") + ("\"'" if cfg["quotes"] else "")
        self._pair_chars = frozenset(pair_chars)

        # 1. width fold ---------------------------------------------------------------
        fold: dict[int, int | str] = {ord(c): _halfwidth(c) for c in cfg["fold"]}
        if cfg["fold_alnum"]:
            fold.update(_FW_DIGITS_LETTERS)
        fold_chars = "".join(chr(k) for k in fold)
        fold_body = _cls(fold_chars)
        self._fold_table = fold
        self._fold_re = re.compile(f"[{fold_body}][{fold_body}]*") if fold else None
        number_chars = "\uff1a\uff0e" if cfg["number_marks"] else ""
        self._number_chars = frozenset(number_chars)
        d = "0-9\uff10-\uff19"
        # the context of a number mark, after the mark itself
        number_alts = [
            f"(?<=[{d}]\uff1a)(?<![{d}]{{3}}\uff1a)(?=[{d}]{{2}}(?![{d}]))",  # 10：30
            f"(?<=[{d}]\uff0e)(?=[{d}])",  # １．５
        ] if number_chars else []
        self._number_re = re.compile("[\uff1a\uff0e](?:" + "|".join(number_alts) + ")") if number_chars else None
        # Option values that make the early stages feed each other (fold ``：`` or
        # ``．`` that are number marks too, or fold into ``( ) " '``) take the plain
        # stage-by-stage path; the defaults never do.
        fold_numbers = any(c in self._number_chars for c in fold_chars)
        fold_pairs = any(_halfwidth(c) in self._pair_chars for c in fold_chars)

        # context classes ---------------------------------------------------------------
        han = HAN_RANGES
        chinese = HAN_RANGES + CJK_PUNCT  # Han or Chinese punctuation
        self._chinese_re = re.compile(f"[{chinese}]")
        self._han_re = re.compile(f"[{han}]")
        phc = _cls(ph) if ph else "\x00"
        self._phset = frozenset(ph)
        self._numph = frozenset(_DIGITS + ph)
        self._group3 = re.compile(f"[0-9{phc}]{{3}}(?![0-9{phc}])")
        self._group2 = re.compile(f"[0-9{phc}]{{2}}(?![0-9{phc}])")

        # 4-6. the main stage ---------------------------------------------------------------
        sp = "[ \t]*" if cfg["drop_spaces"] else ""
        chain = " \t" + _cls(marks) + phc
        table: dict[int, str | None] = {ord(k): v for k, v in _FULL.items()}
        if cfg["drop_spaces"]:
            table.update({ord(" "): None, ord("\t"): None})
        self._mark_table = table
        self._runs = _Runs(table)
        first = ""
        alts: list[str] = []
        if marks:
            m = f"[{_cls(marks)}]"
            first += marks
            alts += [
                f"(?<=[{chinese}]{m})(?P<a>{m}*{sp})",  # Chinese before
                f"(?<={m})(?P<b>{m}*{sp})(?=[{chinese}])",  # Chinese after
                f"(?<={m})(?P<c>{m}*{sp})(?=[{chain}]+[{chinese}])",  # placeholders/marks, then Chinese: check numbers
                f"(?<=[{phc} \t]{m})(?P<d>{m}*{sp})",  # placeholder (or space) before: check
            ]
        if cfg["full_stop"]:
            first += "."
            alts.append(f"(?<=[{han}{_CLOSE}%{phc}]\\.)(?P<e>{sp})(?:(?=[{han}{_CLOSE}])|$)")
        if dots:
            dc = f"[{_cls(dots)}]"
            first += dots
            alts.append(f"(?<=[{han}{phc}]{dc})(?P<f>)(?=[{han}]|[{phc}]+[{han}])")
        # One character class first (scanned in C), then the context as lookarounds.
        # ``_main_re`` names the rule that matched, for the matches that need a check.
        self._main_re = re.compile(f"[{_cls(first)}](?:" + "|".join(alts) + ")", re.M) if alts else None

        # The scans, made for ``split``: every match gives its text and flags, in C.
        # Rules a and b decide by the pattern alone; c-f need a check in Python, flagged
        # by an empty group ("hard"). The same rules as ``_main_re``, in the same order.
        plain = [re.sub(r"\(\?P<[a-f]>", "(?:", a) for a in alts]
        n_easy = 2 if marks else 0
        easy = "|".join(plain[:n_easy]) or "(?!)"
        hard = "|".join(plain[n_easy:]) or "(?!)"
        # ``_main_scan``: the main stage alone, groups (match, hard).
        self._main_scan = re.compile(f"([{_cls(first)}](?:(?:{easy})|(?:{hard})()))", re.M) if first else None
        # The early stages' characters: fold, number marks, brackets and quotes.
        early_alts = []
        if fold_chars:
            early_alts.append(f"(?<=[{fold_body}])[{fold_body}]*")
        early_alts += number_alts
        if pair_chars:
            early_alts.append(f"(?<=[{_cls(pair_chars)}])")
        early = "|".join(early_alts) or "(?!)"
        early_first = fold_chars + number_chars + pair_chars
        self._early_first = frozenset(early_first)
        # With the usual option values the early characters and the main-stage ones are
        # apart, every early edit stands at an early match of the scan, one for one, and
        # nothing it writes is a main-stage character (``_simple``). Other values (a
        # middle dot that is an early character too, a fold character that is a number
        # mark, or that folds to a bracket or quote ...) take the plain stage-by-stage
        # way, ``_slow``.
        made = {_halfwidth(c) for c in fold_chars} | set(number_chars and ":.")
        made |= set("（）" if cfg["parentheses"] else "") | set("“”‘’" if cfg["quotes"] else "")
        self._simple = not (
            any(c in early_first for c in dots)
            or fold_numbers
            or fold_pairs
            or any(c in made or c == "." for c in dots)
            or any((c in ph) != (_halfwidth(c) in ph) for c in fold_chars)
            or any(c in ph for c in "（）“”‘’")
        )
        # A bracket or quote becoming full-width changes only whether it counts as
        # Chinese (rules a-d) or as a closing mark (rule e); those rules see it only
        # right next to, or through, a run of marks, spaces, placeholders or a full
        # stop (``_touchy``). That is why a placeholder may not be a full-width bracket
        # or quote for ``_simple``.
        self._touchy = frozenset(self._chain + ".")
        self._touchy_re = re.compile(f"[{_cls(self._chain + '.')}]")
        self._main_first = frozenset(first)
        # What the main stage reads through from a match (marks, spaces, placeholders;
        # digits, ``.,%`` in numbers and times; middle dots): a fold or number mark
        # matters only to matches within such a run around it.
        self._reach = frozenset(self._chain + _DIGITS + ".,%" + dots)
        self._not_han = re.compile("[^\u4e00-\u9fff]")
        # ``_scan``: every place the filter can change, groups (match, flag): the flag is
        # set for a match of rules c-f or of the early stages (fold, number marks,
        # brackets and quotes), told apart by the first character.
        all_first = _cls(early_first + first)
        self._scan = re.compile(f"([{all_first}](?:(?:{easy})|(?:{hard}|{early})()))", re.M) if all_first else None
        self._pair_trigger = re.compile(f"[{_cls(pair_chars)}]") if pair_chars else None

    # -- helpers on the working text ----------------------------------------------------

    def _chinese_before(self, w: str, i: int, skip: str) -> bool:
        """Is the nearest character before ``w[i]`` on its line that is not in ``skip``
        Han or Chinese punctuation?"""
        j = i - 1
        while j >= 0 and w[j] in skip:
            j -= 1
        if j < 0:
            return False
        return "\u4e00" <= w[j] <= "\u9fff" or self._chinese_re.match(w, j) is not None

    def _chinese_after(self, w: str, i: int, skip: str) -> bool:
        """Is the nearest character after ``w[i]`` on its line that is not in ``skip``
        Han or Chinese punctuation?"""
        n = len(w)
        j = i + 1
        while j < n and w[j] in skip:
            j += 1
        if j >= n:
            return False
        return "\u4e00" <= w[j] <= "\u9fff" or self._chinese_re.match(w, j) is not None

    def _han_before_run(self, w: str, i: int) -> bool:
        """Is ``w[i]`` preceded by a placeholder run that follows a Han character?"""
        j = i - 1
        while j >= 0 and w[j] in self._phset:
            j -= 1
        return j >= 0 and j < i - 1 and self._han_re.match(w, j) is not None

    def _number_like(self, w: str, start: int, end: int) -> bool:
        """A ',' or ':' between digits/placeholders that reads as 1,000 or 10:30."""
        if end - start != 1 or start == 0 or w[start - 1] not in self._numph:
            return False
        mark = w[start]
        if mark == ",":
            return self._group3.match(w, end) is not None
        if mark == ":":
            return self._group2.match(w, end) is not None
        return False

    def _pair_chinese(self, w: str, o: int, c: int) -> bool:
        """Is the pair ``w[o]`` ... ``w[c]`` Chinese: Han or Chinese punctuation inside
        (usually its first character, tested at once), or next to it outside?"""
        return (
            (c > o + 1 and "\u4e00" <= w[o + 1] <= "\u9fff")
            or self._chinese_re.search(w, o + 1, c) is not None
            or self._chinese_before(w, o, self._skip)
            or self._chinese_after(w, c, self._skip)
        )

    # -- the filter -------------------------------------------------------------------------

    def apply(self, text: str, report: Report) -> str:
        # Every rule stays within its line: a huge text is done a block of lines at a
        # time, which keeps the scan's lists (a few entries per match) small.
        return in_line_blocks(self._apply_block, text, report)

    def _apply_block(self, text: str, report: Report) -> str:
        # One scan (``_scan``, a ``split`` in C) finds every place the filter could
        # change: on settled text it finds nothing and the text goes back as it came.
        # Its matches are the main stage's (marks, full stops, middle dots) and the
        # early stages' characters (fold, number marks, brackets and quotes). Rules a
        # and b need nothing more; rules c-f get a check each. The early edits replace
        # one character by one, so they keep the offsets of ``text``; each goes to its
        # match, and only around the few that may change what the main stage sees is it
        # matched again, on the working text (``_blocks``). Edits go to the report in
        # one batch.
        if self._scan is None:
            return text
        if not self._simple:
            return text if self._scan.search(text) is None else self._slow(text, report)
        parts = self._scan.split(text)
        if len(parts) == 1:
            return text
        # ``parts``: text, then per match (match, flag), then text ...
        gs = parts[1::3]
        n = len(gs)
        # where each match starts and ends: running sums of the lengths, in C
        acc = list(accumulate(chain.from_iterable(zip(map(len, parts[0::3]), map(len, gs)))))
        starts, ends = acc[0::2], acc[1::2]
        news = list(map(self._runs.__getitem__, gs))  # rules a and b
        every = True  # every match is an edit
        flags = parts[2::3]
        exposed: list[tuple[int, int, bool]] = []
        earlier: list[tuple[int, int, str]] = []
        if flags.count(None) != n:
            ids = list(compress(range(n), map(is_not, flags, repeat(None))))
            early = list(map(self._early_first.__contains__, map(itemgetter(0), map(getitem, repeat(gs), ids))))
            for i in compress(ids, map(not_, early)):  # rules c-f: a check each
                news[i] = new = self._decide(text, starts[i], ends[i], gs[i])
                if new == gs[i]:
                    every = False
            if True in early:
                earlier, done = self._early(text, starts, ends, gs, news, list(compress(ids, early)), exposed)
                every = every and done
        blank = [""] * n
        parts[1::3] = news
        parts[2::3] = blank
        if exposed:
            return self._blocks(text, parts, starts, ends, gs, news, earlier, exposed, report)
        if every:
            main = list(zip(starts, ends, gs, news))
        else:  # only the matches that changed
            main = list(compress(zip(starts, ends, gs, news), map(ne, gs, news)))
            if not main:
                return text
        report.add(main)
        return "".join(parts)

    def _slow(self, text: str, report: Report) -> str:
        """Stage by stage, each on the text the one before made: for the option values
        under which the early stages feed each other or the main stage (``_simple``)."""
        stage1 = self._fold_edits(text)
        w = _splice(text, stage1)
        more = self._pair_edits(w, self._lines(w, self._pair_trigger)) if self._pair_trigger is not None else []
        if more:
            w = _splice(w, more)
            stage1 = sorted(stage1 + more) if stage1 else more
        if len(w) > len(text):
            # A number mark that ``fold`` folds too is edited twice and the working text
            # grows; edits past the end of ``text`` were never reported. Kept as it was.
            stage1 = [x for x in stage1 if x[0] <= len(text)]
        return self._redo(text, w, stage1, report)

    def _news(self, w: str, starts: list[int], ends: list[int], gs: list[str], hard: list[Any]) -> tuple[list[str], bool]:
        """The new text of every main-stage match ``gs`` of ``w`` (the match itself where
        a check of rules c-f, flagged in ``hard``, says no), and whether every match is
        an edit."""
        news = list(map(self._runs.__getitem__, gs))  # rules a and b
        every = True
        if hard.count(None) != len(hard):
            for i in compress(range(len(gs)), map(is_not, hard, repeat(None))):
                news[i] = new = self._decide(w, starts[i], ends[i], gs[i])
                if new == gs[i]:
                    every = False
        return news, every

    def _blocks(
        self,
        text: str,
        parts: list[str],
        starts: list[int],
        ends: list[int],
        gs: list[str],
        news: list[str],
        earlier: list[tuple[int, int, str]],
        exposed: list[tuple[int, int, bool]],
        report: Report,
    ) -> str:
        """The main stage again around the exposed early edits (``_stretches``), now
        with the early edits made; the first scan's matches (``parts``, already with
        their ``news``) hold everywhere else. Each stretch is matched on the working
        text of its line(s), so that the rules see the line as they would; it starts
        and ends where no match reaches across. It replaces its share of ``parts``: the
        text piece it starts in gets the new text of the stretch, the pieces and
        matches after it inside the stretch go empty. The edits are reported in text
        order, a main-stage edit before an early one at the same place, as always."""
        main_re, runs = self._main_re, self._runs
        n = len(starts)
        sel = list(map(ne, gs, news))  # which of the first scan's matches are edits
        at = [s for s, _, _ in earlier]
        extra: list[tuple[int, int, str, str]] = []  # the edits inside the stretches
        hi = 0  # first scan matches before ``hi`` are done with
        frag: list[str] = []  # the new text of piece ``store`` of ``parts`` so far
        store = -1
        pend = 0  # ``frag`` covers ``text`` up to here
        cs = ce = -1  # the lines around the stretch, and their working text ``ctx``
        ctx = ""
        for bs, be in self._stretches(text, exposed):
            a = bisect_left(starts, bs, hi)
            b = bisect_left(starts, be, a)
            if store >= 0 and a == hi:  # no match since the last stretch: same piece
                frag.append(text[pend:bs])
            else:
                if store >= 0:
                    frag.append(text[pend : starts[hi]])
                    parts[store] = "".join(frag)
                frag = [text[ends[a - 1] if a else 0 : bs]]
                store = 3 * a
            if b > a:  # the first scan's matches inside the stretch go
                parts[3 * a + 1 : 3 * b + 1] = [""] * (3 * (b - a))
                sel[a:b] = [False] * (b - a)
            if bs >= ce:
                cs = text.rfind("\n", 0, bs) + 1
                ce = text.find("\n", be - 1)
                if ce < 0:
                    ce = len(text)
                ea = bisect_left(at, cs)
                eb = bisect_left(at, ce, ea)
                ctx = _splice(text[cs:ce], [(s - cs, e - cs, new) for s, e, new in earlier[ea:eb]])
            pos = bs - cs
            stop = be - cs
            out: list[str] = []
            if main_re is not None:
                for m in main_re.finditer(ctx, pos, stop + 1):
                    ms, me = m.span()
                    if ms >= stop:
                        break
                    g = m.group()
                    kind = m.lastgroup
                    new = runs[g] if kind == "a" or kind == "b" else self._rule(ctx, kind, ms, me, g)
                    out.append(ctx[pos:ms])
                    out.append(new)
                    pos = me
                    if new != g:
                        extra.append((ms + cs, me + cs, g, new))
            out.append(ctx[pos:stop])
            frag.append("".join(out))
            ea = bisect_left(at, bs)
            eb = bisect_left(at, be, ea)
            extra += [(s, e, text[s:e], new) for s, e, new in earlier[ea:eb]]
            hi, pend = b, be
        if store >= 0:
            frag.append(text[pend : starts[hi]] if hi < n else text[pend:])
            parts[store] = "".join(frag)
        main = list(compress(zip(starts, ends, gs, news), sel))
        main += extra
        main.sort(key=_START)  # stable: sorted runs merge; a main edit before an early one
        report.add(main)
        return "".join(parts)

    def _stretches(self, text: str, exposed: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
        """The stretches of ``text`` to match again: each exposed early edit ``(start,
        end, wide)`` with the runs on either side of it of the characters the main
        stage reads through (``_reach`` for a fold or number mark, ``wide``; else
        ``_touchy``); sorted, and merged where they meet. No match crosses the
        character that ends such a run, and no rule outside sees into it.

        The runs are taken on ``text``. A bracket or quote is in neither set before or
        after its edit; a fold or number mark may be in ``_reach`` only after it, but
        every such edit is exposed itself, and its own stretch joins the neighbour's."""
        size = len(text)
        raw: list[tuple[int, int]] = []
        for s, e, wide in exposed:
            near = self._reach if wide else self._touchy
            lo, hi = s, e
            while lo and text[lo - 1] in near:
                lo -= 1
            while hi < size and text[hi] in near:
                hi += 1
            raw.append((lo, hi))
        raw.sort()
        out: list[tuple[int, int]] = []
        for lo, hi in raw:
            if out and lo <= out[-1][1]:
                if hi > out[-1][1]:
                    out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
        return out

    def _redo(self, text: str, w: str, earlier: list[tuple[int, int, str]], report: Report) -> str:
        """The main stage on the whole working text ``w`` after stages 1-3 (``earlier``,
        edits of ``text``), for ``_slow``."""
        if self._main_scan is None:
            return self._report(text, w, [], earlier, report)
        parts = self._main_scan.split(w)
        gs = parts[1::3]
        acc = list(accumulate(chain.from_iterable(zip(map(len, parts[0::3]), map(len, gs)))))
        starts, ends = acc[0::2], acc[1::2]
        news, every = self._news(w, starts, ends, gs, parts[2::3])
        parts[1::3] = news
        parts[2::3] = [""] * len(gs)
        main = list(zip(starts, ends, gs, news))
        if not every:
            main = [e for e in main if e[2] != e[3]]
        return self._report(text, "".join(parts), main, earlier, report)

    @staticmethod
    def _report(text: str, out: str, main: list[tuple[int, int, str, str]], earlier: list[tuple[int, int, str]], report: Report) -> str:
        """Report the main-stage edits with the ``earlier`` one-for-one edits of ``text``,
        in text order (a main edit before an earlier one at the same place, as always)."""
        if earlier:
            main += [(s, e, text[s:e], new) for s, e, new in earlier]
            main.sort(key=_START)  # stable: sorted runs merge, and the main edit comes first
        if not main:
            return text
        report.add(main)
        return out

    # -- stages 1-3: fold, number marks, parentheses and quotes ------------------------

    def _fold_edits(self, w: str) -> list[tuple[int, int, str]]:
        """Stage 1 for ``_slow``, by two separate scans (where a number mark is a fold
        character too, both of its edits are kept, as they always were)."""
        edits: list[tuple[int, int, str]] = []
        if self._fold_re is not None:
            table = self._fold_table
            edits = [(m.start(), m.end(), m.group().translate(table)) for m in self._fold_re.finditer(w)]
        if self._number_re is not None and ("\uff1a" in w or "\uff0e" in w):
            times = [(m.start(), m.end(), _halfwidth(m.group())) for m in self._number_re.finditer(w)]
            if times:
                edits = sorted(edits + times)
        return edits

    def _early(
        self,
        text: str,
        starts: list[int],
        ends: list[int],
        gs: list[str],
        news: list[str],
        ids: list[int],
        exposed: list[tuple[int, int, bool]],
    ) -> tuple[list[tuple[int, int, str]], bool]:
        """Stages 1-3 from the early matches ``ids`` of the first scan: their one-for-one
        edits of ``text``, sorted, and whether every one of those matches changed. Each
        edit also goes to its match in ``news``, and ``exposed`` gets those that may
        change the main stage's matches: every fold or number mark (``wide``), and a
        bracket or quote next to a mark, a space, a placeholder or a full stop unless
        ``_settled`` shows it changes nothing."""
        at = list(map(getitem, repeat(starts), ids))
        eg = list(map(getitem, repeat(gs), ids))
        stage1: list[tuple[int, int, str]] = []
        inpair = list(map(self._pair_chars.__contains__, eg))
        if False in inpair:  # fold or number marks too: sort them out
            numbers, table = self._number_chars, self._fold_table
            for s, i, g in zip(compress(at, map(not_, inpair)), compress(ids, map(not_, inpair)), compress(eg, map(not_, inpair))):
                c = g[0]
                new = _halfwidth(c) if c in numbers else g.translate(table)
                stage1.append((s, ends[i], new))
                news[i] = new
                exposed.append((s, ends[i], True))
            at, ids, eg = list(compress(at, inpair)), list(compress(ids, inpair)), list(compress(eg, inpair))
        if not at:
            return stage1, True
        if stage1:
            # the lines with a fold or number mark are worked out on the working text,
            # the others as usual
            w = _splice(text, stage1)
            dirty: list[tuple[int, int]] = []
            keep_at: list[int] = []
            keep_eg: list[str] = []
            k = 0
            for ls, le in _lines_at(text, [x for x, _, _ in stage1]):
                a = bisect_left(at, ls, k)
                b = bisect_left(at, le, a)
                keep_at += at[k:a]
                keep_eg += eg[k:a]
                if b > a:
                    dirty.append((ls, le))
                k = b
            keep_at += at[k:]
            keep_eg += eg[k:]
            more = self._pair_fast(text, keep_at, keep_eg) if keep_at else []
            if dirty:
                more = sorted(more + self._pair_edits(w, dirty))
        else:
            more = self._pair_fast(text, at, eg)
        near = self._touchy
        if len(more) == len(at):  # every bracket and quote converted, in order
            list(map(setitem, repeat(news), ids, map(_NEW, more)))
            # the characters on either side of each (the text padded by a line break
            # at both ends, which is no main-stage character)
            padded = "\n" + text + "\n"
            lefts = "".join(map(getitem, repeat(padded), at))
            rights = "".join(map(getitem, repeat(padded), map(add, at, repeat(2))))
            touchy = self._touchy_re
            if touchy.search(lefts) or touchy.search(rights):
                for p, x, y in zip(at, lefts, rights):
                    if (x in near or y in near) and not self._settled(text, p, p + 1, starts, ends, gs, news):
                        exposed.append((p, p + 1, False))
            done = True
        else:
            where = dict(zip(at, ids))
            size = len(text)
            for s, e, new in more:
                news[where[s]] = new
            for s, e, new in more:
                if ((s and text[s - 1] in near) or (e < size and text[e] in near)) and not self._settled(
                    text, s, e, starts, ends, gs, news
                ):
                    exposed.append((s, e, False))
            done = False
        if stage1:
            return sorted(stage1 + more), done
        return more, done

    def _settled(self, text: str, s: int, e: int, starts: list[int], ends: list[int], gs: list[str], news: list[str]) -> bool:
        """Does the bracket or quote edit ``s:e`` leave the main stage as it is? It makes
        a character Chinese, or a closing mark, and nothing else; that only ever turns
        marks, full stops next to it (through marks, spaces and placeholders) into
        full-width ones, never back, and never changes where a match starts or ends.
        So when every such character around it already converts in the first scan's
        matches (``news``), the main stage on the working text does the same."""
        near, first = self._touchy, self._main_first
        size = len(text)
        lo = s
        while lo and text[lo - 1] in near:
            lo -= 1
        hi = e
        while hi < size and text[hi] in near:
            hi += 1
        for p in chain(range(lo, s), range(e, hi)):
            if text[p] in first:
                k = bisect_right(starts, p) - 1
                if k < 0 or p >= ends[k] or news[k] == gs[k]:
                    return False
        return True

    def _lines(self, w: str, trigger: re.Pattern[str]) -> list[tuple[int, int]]:
        """The (start, end) of every line of ``w`` that holds a match of ``trigger``."""
        lines: list[tuple[int, int]] = []
        m = trigger.search(w)
        while m is not None:
            p = m.start()
            start = w.rfind("\n", 0, p) + 1
            end = w.find("\n", p)
            if end < 0:
                end = len(w)
            lines.append((start, end))
            m = trigger.search(w, end + 1)
        return lines

    def _pair_edits(self, w: str, lines: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """Parentheses and quotes of the ``lines`` of ``w``, line by line."""
        edits: list[tuple[int, int, str]] = []
        for ls, le in lines:
            edits += self._pair_line(w, ls, le)
        return edits

    def _pair_fast(self, text: str, at: list[int], chars: list[str]) -> list[tuple[int, int, str]]:
        """``_pair_edits`` for the lines of the sorted straight brackets and quotes
        ``at`` (their ``chars``) of ``text``, when no fold or number mark changed.

        The usual text has straight parentheses only, as pairs ``(...)`` each on one
        line with no bracket inside, and Chinese: the stack pairs each such pair, the
        pair converts, and nothing straight is left on the line, so every one of them
        converts; that is checked for all of them at once, in C. Otherwise each line
        that holds one goes to ``_pair_line``."""
        m = len(at) // 2
        if (
            m
            and len(at) == 2 * m
            and chars[0::2].count("(") == m
            and chars[1::2].count(")") == m
        ):
            opens, shuts = at[0::2], at[1::2]
            after = list(map(add, opens, repeat(1)))
            inside = "".join(map(getitem, repeat(text), map(slice, after, shuts)))  # what they hold
            if "\n" not in inside and "（" not in inside and "）" not in inside:
                heads = "".join(map(getitem, repeat(text), after))  # their first characters
                odd = self._not_han.search(heads)
                while odd is not None and self._pair_chinese(text, opens[odd.start()], shuts[odd.start()]):
                    odd = self._not_han.search(heads, odd.start() + 1)
                if odd is None:
                    return list(
                        chain.from_iterable(
                            zip(zip(opens, after, repeat("（")), zip(shuts, map(add, shuts, repeat(1)), repeat("）")))
                        )
                    )
        return self._pair_edits(text, _lines_at(text, at))

    def _pair_line(self, w: str, ls: int, le: int) -> list[tuple[int, int, str]]:
        """The brackets and quotes of the line ``w[ls:le]``. Converting one can make its
        neighbour's context Chinese (``(a)(b)中``), so a line is redone until nothing
        changes: the result does not depend on how often the filter runs. The usual
        line takes one round: either nothing converts, or one kind converts and leaves
        nothing straight."""
        parens, quotes = self._parens, self._quotes
        line = w[ls:le]
        np_ = line.count("(") + line.count(")") if parens else 0
        n2 = line.count('"') if quotes else 0
        n1 = line.count("'") if quotes else 0
        if np_:
            more = self._paren_edits(line, ls)
            if more:
                return self._pair_rounds(line, ls) if n1 or n2 or len(more) < np_ else more
        if n2:
            more = self._quote_edits(line, '"', ls)
            if more:
                return self._pair_rounds(line, ls) if n1 or len(more) < np_ + n2 else more
        if n1:
            more = self._quote_edits(line, "'", ls)
            if more:
                return self._pair_rounds(line, ls) if len(more) < np_ + n2 + n1 else more
        return []

    def _pair_rounds(self, line: str, offset: int) -> list[tuple[int, int, str]]:
        """The edits of one ``line`` (at ``offset``), round after round until nothing
        changes or nothing straight is left."""
        edits: list[tuple[int, int, str]] = []
        trigger = self._pair_trigger
        while True:
            new: list[tuple[int, int, str]] = []
            if self._parens and ("(" in line or ")" in line):
                more = self._paren_edits(line, 0)
                line = _splice(line, more)
                new += more
            if self._quotes:
                for q in "\"'":
                    if q in line:
                        more = self._quote_edits(line, q, 0)
                        line = _splice(line, more)
                        new += more
            if not new:
                break
            edits.extend((s + offset, e + offset, n) for s, e, n in new)
            if not trigger.search(line):
                break  # nothing straight left to decide
        edits.sort()
        return edits

    def _paren_edits(self, w: str, off: int) -> list[tuple[int, int, str]]:
        """The parentheses of one line ``w``, as edits at ``off`` + their place."""
        edits: list[tuple[int, int, str]] = []
        stack: list[int] = []
        lone: list[int] = []
        for p in _places(w, "()（）"):
            if w[p] in "(（":
                stack.append(p)
            elif stack:
                o = stack.pop()
                ascii_o, ascii_c = w[o] == "(", w[p] == ")"
                if not (ascii_o or ascii_c):
                    continue
                if not (ascii_o and ascii_c) or self._pair_chinese(w, o, p):
                    if ascii_o:
                        edits.append((o + off, o + off + 1, "（"))
                    if ascii_c:
                        edits.append((p + off, p + off + 1, "）"))
            else:
                lone.append(p)
        for p in lone + stack:
            if w[p] in "()" and (self._chinese_before(w, p, self._skip) or self._chinese_after(w, p, self._skip)):
                edits.append((p + off, p + off + 1, "（" if w[p] == "(" else "）"))
        edits.sort()
        return edits

    def _quote_edits(self, w: str, q: str, off: int) -> list[tuple[int, int, str]]:
        """The straight quotes ``q`` of one line ``w``, as edits at ``off`` + their place."""
        opening, closing = ("“", "”") if q == '"' else ("‘", "’")
        edits: list[tuple[int, int, str]] = []
        tokens = []
        for p in _places(w, q + opening + closing):
            if q == "'" and w[p] == "'" and 0 < p < len(w) - 1 and _alnum(w[p - 1]) and _alnum(w[p + 1]):
                continue  # an apostrophe: don't, 90's
            if w[p] == q and p and _DEGREES_BEFORE.search(w, max(0, p - 12), p):
                continue  # minutes or seconds of an angle: 116°23'17"
            tokens.append(p)
        open_at: int | None = None
        for p in tokens:
            ch = w[p]
            if ch == opening:
                if open_at is not None and w[open_at] == q:
                    self._lone_quote(w, open_at, opening, closing, edits, off)
                open_at = p
            elif ch == closing:
                if open_at is not None and w[open_at] == q:
                    edits.append((open_at + off, open_at + off + 1, opening))
                open_at = None
            elif open_at is None:
                open_at = p
            else:
                if w[open_at] != q or self._pair_chinese(w, open_at, p):
                    if w[open_at] == q:
                        edits.append((open_at + off, open_at + off + 1, opening))
                    edits.append((p + off, p + off + 1, closing))
                open_at = None
        if open_at is not None and w[open_at] == q:
            self._lone_quote(w, open_at, opening, closing, edits, off)
        edits.sort()
        return edits

    def _lone_quote(self, w: str, p: int, opening: str, closing: str, edits: list[tuple[int, int, str]], off: int) -> None:
        """An unpaired straight quote converts by its own context; it closes when
        nothing or only punctuation follows it on the line, else it opens. Right after
        a digit it is a unit (55" for inches, 3' for feet) and stays."""
        if p and "0" <= w[p - 1] <= "9":
            return
        if not (self._chinese_before(w, p, self._skip) or self._chinese_after(w, p, self._skip)):
            return
        j = p + 1
        while j < len(w) and w[j] in " \t":
            j += 1
        ends = j >= len(w) or w[j] == "\n" or (w[j] in _CJK_PUNCT_SET and w[j] not in _OPEN)
        edits.append((p + off, p + off + 1, closing if ends else opening))

    def _decide(self, w: str, s: int, e: int, g: str) -> str:
        """The new text for a match ``g`` at ``s:e`` of rules c-f (``g`` itself: keep)."""
        m = self._main_re.match(w, s)  # the same match, with its rule named
        return self._rule(w, m.lastgroup if m is not None else None, s, e, g)

    def _rule(self, w: str, kind: str | None, s: int, e: int, g: str) -> str:
        """The new text for a match ``g`` at ``s:e`` of ``w`` by rule ``kind``."""
        if kind == "a" or kind == "b":
            return self._runs[g]
        if kind == "c" or kind == "d":
            if kind == "d" and not self._chinese_before(w, s, self._chain):
                return g
            marks = self._marks
            run_end = s + 1
            while run_end < e and w[run_end] in marks:
                run_end += 1
            if self._number_like(w, s, run_end):
                return g
            return g.translate(self._mark_table)
        if kind == "e":
            return "。" if self._full_stop_ok(w, s, e) else g
        # "f": a middle dot after Han, or after placeholders that follow Han
        if self._han_re.match(w, s - 1) or self._han_before_run(w, s):
            return "·"
        return g

    def _full_stop_ok(self, w: str, s: int, e: int) -> bool:
        prev = w[s - 1]
        at_eol = e >= len(w) or w[e] == "\n"
        if prev in self._phset:
            return self._han_before_run(w, s)
        if prev == "%":
            if not at_eol:
                return True
            j = s - 1
            while j >= 0 and w[j] in "0123456789.,%":
                j -= 1
            return j >= 0 and self._han_re.match(w, j) is not None
        if prev in _NUMERALS:
            ls = w.rfind("\n", 0, s) + 1
            if all(ch in _NUMERALS or ch in " \t\u3000" for ch in w[ls:s]):
                return False  # 一.加强领导: a heading number
        return True


class _Runs(dict):  # type: ignore[type-arg]
    """Memo: a matched run of marks (and the spaces after it) -> its full-width form."""

    def __init__(self, table: dict[int, str | None]) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, run: str) -> str:
        new = run.translate(self.table)
        if len(self) < 4096:  # bounded: the runs of a few marks and spaces repeat
            self[run] = new
        return new


def _places(line: str, chars: str) -> list[int]:
    """Where the ``chars`` stand in ``line``, in order (``find`` is much cheaper than a
    regular expression on a short line)."""
    found: list[int] = []
    for c in chars:
        i = line.find(c)
        while i >= 0:
            found.append(i)
            i = line.find(c, i + 1)
    found.sort()
    return found


def _lines_at(w: str, positions: list[int]) -> list[tuple[int, int]]:
    """The (start, end) of every line of ``w`` that holds one of the sorted ``positions``."""
    lines: list[tuple[int, int]] = []
    end = -1
    for p in positions:
        if p < end:
            continue
        start = w.rfind("\n", 0, p) + 1
        end = w.find("\n", p)
        if end < 0:
            end = len(w)
        lines.append((start, end))
    return lines


_DEGREES_BEFORE = re.compile(r"[0-9]°[0-9]{1,2}(?:['′][0-9]{1,2}(?:\.[0-9]+)?)?$")
"""What precedes the minutes' or seconds' mark of an angle written with straight quotes."""

_CJK_PUNCT_SET = frozenset(chr(c) for c in range(0x3000, 0x3040)) | frozenset(
    chr(c) for c in range(0xFF01, 0xFF66) if not ("\uff10" <= chr(c) <= "\uff19" or "\uff21" <= chr(c) <= "\uff3a" or "\uff41" <= chr(c) <= "\uff5a")
) | frozenset("—‘’“”…·•‧")


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with sorted, non-overlapping, same-length ``edits`` applied (no report)."""
    if not edits:
        return text
    parts: list[str] = []
    pos = 0
    for start, end, new in edits:
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
