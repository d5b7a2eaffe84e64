"""boilerplate: advertising and site boilerplate lines.

Changes (each removed line is one reported edit: the line and its newline):

- a line that names one of the material-site ``brands`` of the profile
  (``【哒哒素材库】——每天更新材料…``, ``欢迎加入“哒哒素材库svip会员”…``, ``【哒哒代笔】…``),
  wherever it stands, unless it is longer than ``brand_max_chars`` (then it is kept and
  the report warns);
- a line that is plainly promotion: it carries a contact handle or number
  (``contact_patterns``: ``QQ：12345678``, ``微信：abc``, ``：cwk``, a phone number, a
  URL…) together with promotion words (``strong_words`` weigh 2: 客服 会员 VIP 代笔 素材
  …; ``weak_words`` weigh 1: 下载 加入 添加 联系 公众号 …; each word counts once). Near a
  document's edges (its first ``head_lines`` and last ``tail_lines`` non-blank lines, and
  the ``part_lines`` non-blank lines next to a run of ``part_gap`` blank lines, where a
  part of a compilation ends or starts) a score of ``edge_score`` is enough; elsewhere
  it takes ``middle_score``. Lines longer than ``max_line_chars``, or with fewer than
  ``min_density`` score points per 100 characters, are content, never promotion;
- web page leftovers (``leftovers``: ``正文复制``, ``复制全文``, ``下载文档``, ``收藏``,
  ``分享到`` …) alone on a line among the first ``head_lines`` non-blank lines.

Removed lines do not count when the edges are found, so cleaning twice changes nothing.

Never: blank lines (only a removed line's own newline goes); a part of a line; a line
that merely mentions such words without a contact (``在团XX县委公众号开辟专栏``,
``建立“四级微信矩阵群”``); a long paragraph that mentions 会员, 下载 or a hotline as part
of its content; a plain contact line of a notice (``联系电话：0731-12345678``).
"""
from __future__ import annotations

import re
from typing import Any

from cleaner.core import Filter, Option, Report, apply_edits, literal_trie

DEFAULT_BRANDS = ["哒哒素材库", "哒哒代笔", "哒哒君"]

DEFAULT_STRONG = [
    "客服", "会员", "VIP", "代笔", "代写", "素材", "网盘", "接单", "扫码", "二维码", "谨防假冒",
    "认准", "小伙伴", "私信", "文库", "进群", "加群", "淘宝", "店铺", "充值", "优惠券",
]

DEFAULT_WEAK = [
    "下载", "加入", "添加", "联系", "公众号", "关注", "咨询", "购买", "原创", "更新", "免费",
    "领取", "微信", "QQ", "VX", "获取", "订阅", "链接", "更多", "资料", "范文", "好评",
]

_NUMBER_END = r"(?![\d.%％年月日时分秒万亿元个人名次项家条件所岁篇])"
_CUE = r"(?:QQ|微信|VX|V信|WX|电话|手机|热线|客服|联系方式|联系|公众号|微博|抖音|邮箱|网址|官网)"

DEFAULT_CONTACT = [
    # a cue, then a Latin handle or a number: QQ：12345678, 微信：abc123, 电话0731-8888888
    _CUE + r"\s*(?:号码?|群)?\s*[：:]?\s*(?:[A-Za-z][A-Za-z0-9_\-.]{2,}|\d(?:[ \-]?\d){4,}" + _NUMBER_END + ")",
    # a bare colon, then a Latin handle or a number: ：cwk, ：1 4367
    r"[：:]\s*(?:[A-Za-z][A-Za-z0-9_\-]{2,}(?![A-Za-z0-9_\-\u4e00-\u9fff])|\d(?:[ \-]?\d){4,}" + _NUMBER_END + ")",
    # an account name after 公众号/微信号: 公众号：哒哒君
    r"(?:公众号|微信号|微信)\s*[：:]\s*\S",
    # mobile and landline numbers
    r"(?<!\d)1[3-9]\d(?:[ \-]?\d){8}(?!\d)",
    r"(?<!\d)0\d{2,3}[\-－—]\d{7,8}(?!\d)",
    # a long bare digit run
    r"(?<![\d.])\d(?:[ \-]?\d){6,}" + _NUMBER_END,
    # web and mail addresses
    r"https?://|www\.|[A-Za-z0-9\-]+\.(?:com|cn|net|top|vip)\b|[\w.\-]+@[\w\-]+\.[A-Za-z]{2,}",
]

DEFAULT_LEFTOVERS = [
    "正文复制", "复制全文", "全文复制", "点击复制", "复制", "下载文档", "文档下载", "立即下载", "下载",
    "收藏", "收藏本文", "分享", "分享到", "举报", "打印", "打印本页", "阅读全文", "展开全文",
    "返回顶部", "微信扫一扫", "扫一扫", "上一篇", "下一篇",
]

_SPACE = "[ \\t\\u3000\\u00a0]"


def case_variants(word: str) -> set[str]:
    """``word`` in every ASCII letter case when it has few letters (``vip``, ``VIP``,
    ``Vip`` …), else in lower, upper and title case. Literal alternatives keep the scan
    of a whole text fast; re.IGNORECASE or ``[Vv]`` classes make it ten times slower."""
    letters = [i for i, c in enumerate(word) if c.isascii() and c.isalpha()]
    if not letters:
        return {word}
    if len(letters) > 4:
        return {word, word.lower(), word.upper(), word.title()}
    out = set()
    for mask in range(1 << len(letters)):
        chars = list(word.lower())
        for bit, i in enumerate(letters):
            if mask >> bit & 1:
                chars[i] = chars[i].upper()
        out.add("".join(chars))
    return out


def alternation(words: list[str]) -> str:
    """A regex matching any of ``words`` (the longest where several start at one place),
    ignoring ASCII case. Shaped as a trie: the scan tests each character once rather
    than every word in turn (twice as fast on Chinese text, where the first characters
    of the words are common)."""
    return literal_trie(v for w in words if w for v in case_variants(w))


def scanner(words: list[str]) -> str:
    """A regex finding the same matches as :func:`alternation` (the longest word where
    several start at one place), quicker over a whole text where the words' first
    characters are common. The trie tries its branches at each of those characters;
    this one first checks that the next character can be a second one, then picks the
    branch by that second character and checks the first one looking back. Needs words
    of two characters or more (else it is the plain alternation)."""
    forms = {v for w in words if w for v in case_variants(w)}
    if not forms or min(map(len, forms)) < 2:
        return alternation(words)
    by_second: dict[str, list[str]] = {}
    for form in forms:
        by_second.setdefault(form[1], []).append(form)
    branches = []
    for second, group in sorted(by_second.items()):
        group.sort(key=lambda f: (-len(f), f))  # all start here: the longest first
        inner = "|".join(f"(?<={re.escape(f[:2])}){re.escape(f[2:])}" for f in group)
        branches.append(f"{re.escape(second)}(?:{inner})")
    firsts = re.escape("".join(sorted({f[0] for f in forms})))
    seconds = re.escape("".join(sorted(by_second)))
    return f"[{firsts}](?=[{seconds}])(?:{'|'.join(branches)})"


class Boilerplate(Filter):
    name = "boilerplate"
    summary = "remove advertising lines (site brands, contact + promotion words) and web page leftovers"
    options = (
        Option("brands", list, DEFAULT_BRANDS, "material-site brand names: a line naming one is removed wherever it is"),
        Option(
            "brand_max_chars",
            int,
            400,
            "a brand line longer than this (without edge white space) is kept, with a warning",
            minimum=1,
        ),
        Option("strong_words", list, DEFAULT_STRONG, "promotion words that weigh 2 (case-insensitive)"),
        Option("weak_words", list, DEFAULT_WEAK, "promotion words that weigh 1 (case-insensitive)"),
        Option(
            "contact_patterns",
            list,
            DEFAULT_CONTACT,
            "regular expressions of contact handles and numbers; a promotion line needs one of them",
            regex=True,
        ),
        Option("edge_score", int, 2, "word score that makes a contact line near an edge promotion", minimum=1),
        Option("middle_score", int, 4, "word score that makes a contact line anywhere promotion", minimum=1),
        Option(
            "min_density",
            float,
            5.0,
            "least word score per 100 characters of a promotion line (sparser lines are content)",
            minimum=0.0,
        ),
        Option(
            "max_line_chars",
            int,
            200,
            "lines longer than this (without edge white space) are content, never promotion",
            minimum=1,
        ),
        Option("head_lines", int, 5, "non-blank lines at the start of the text that count as its edge", minimum=0),
        Option("tail_lines", int, 5, "non-blank lines at the end of the text that count as its edge", minimum=0),
        Option(
            "part_lines",
            int,
            3,
            "non-blank lines before and after a run of part_gap blank lines that count as an edge",
            minimum=0,
        ),
        Option("part_gap", int, 2, "blank lines in a row that end a part of a compilation", minimum=1),
        Option(
            "leftovers",
            list,
            DEFAULT_LEFTOVERS,
            "web page leftovers removed when alone on a line among the first head_lines lines",
        ),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        cfg = self.config

        self.brands = re.compile(alternation(cfg["brands"])) if any(cfg["brands"]) else None
        self.weights: dict[str, int] = {w.casefold(): 1 for w in cfg["weak_words"] if w}
        self.weights.update({w.casefold(): 2 for w in cfg["strong_words"] if w})
        self.words = re.compile(alternation(list(self.weights))) if self.weights else None
        triggers = scanner([*cfg["brands"], *self.weights])
        self.trigger = re.compile(triggers) if triggers else None
        contacts = [p for p in cfg["contact_patterns"] if p]
        self.contact = re.compile("|".join(f"(?:{p})" for p in contacts), re.IGNORECASE) if contacts else None
        leftover = alternation(cfg["leftovers"])
        self.leftover = (
            re.compile(rf"{_SPACE}*(?:{leftover})(?:[ \t\u3000\u00a0|/·•]*(?:{leftover}))*[ \t\u3000\u00a0：:>»]*")
            if leftover
            else None
        )
        # What each trigger match says of its line: a word's casefolded form and weight,
        # or None for a brand (and a word inside which a brand could start, hiding it from
        # the trigger): such a line is always looked at closely.
        self.trigger_info: dict[str, tuple[str, int] | None] = {}
        brand_forms = {v for b in cfg["brands"] if b for v in case_variants(b)}
        for w in self.weights:
            for v in case_variants(w):
                hides = any(v[k:].startswith(b) or b.startswith(v[k:]) for b in brand_forms for k in range(len(v)))
                key = v.casefold()
                self.trigger_info[v] = None if hides or v in brand_forms else (key, self.weights.get(key, 0))
        self.trigger_info.update(dict.fromkeys(brand_forms))
        self.trigger_spans_lines = any("\n" in w for w in [*cfg["brands"], *self.weights])
        # The first head_lines non-blank lines, none a leftover line: the head walk would
        # find nothing (when no line is removed and none is a promotion line).
        if leftover and cfg["head_lines"] > 0:
            line = (
                r"(?:[^\S\n]*+\n)*+"  # blank lines
                rf"(?!{self.leftover.pattern}(?:\n|\Z))"  # not a leftover line
                r"[^\S\n]*+\S[^\n]*+(?:\n|\Z)"  # a non-blank line
            )
            n = cfg["head_lines"]
            # up to n - 1 such lines, then the n-th, or else nothing but blank lines left
            self.clean_head = re.compile(rf"(?:{line}){{0,{n - 1}}}+(?:{line}|\s*\Z)")
        else:
            self.clean_head = None
        self.brand_max = cfg["brand_max_chars"]
        self.max_chars = cfg["max_line_chars"]
        self.edge_score = cfg["edge_score"]
        self.middle_score = cfg["middle_score"]
        self.least_score = min(self.edge_score, self.middle_score)  # what a line must score to go anywhere
        self.min_density = cfg["min_density"]
        self.head_lines = cfg["head_lines"]
        self.tail_lines = cfg["tail_lines"]
        self.part_lines = cfg["part_lines"]
        self.part_gap = cfg["part_gap"]

    # -- one line -----------------------------------------------------------

    def score(self, line: str) -> int:
        """The promotion score of one line: the weight of the distinct promotion words
        in it, or 0 when it carries no contact, is too long, or the words are too
        sparse (fewer than ``min_density`` points per 100 characters)."""
        chars = len(line.strip())
        if self.words is None or self.contact is None or chars > self.max_chars:
            return 0
        found = {m.group().casefold() for m in self.words.finditer(line)}
        score = sum(self.weights.get(w, 0) for w in found)
        if score < self.least_score:
            return 0
        if score * 100 < self.min_density * chars:
            return 0  # a few such words in a long sentence: content that mentions them
        if not self.contact.search(line):  # the costly test last
            return 0
        return score

    def _candidates(self, text: str, report: Report) -> tuple[set[int], dict[int, int]]:
        """Lines that go anyway (brands, strong promotion) and lines that go near an
        edge; both by line start -> line end (without the newline)."""
        always: set[int] = set()
        edge: dict[int, int] = {}
        if self.trigger is None:
            return always, edge
        for start, end in self._lines_to_score(text):
            line = text[start:end]
            if self.brands is not None and (b := self.brands.search(line)):
                if len(line.strip()) <= self.brand_max:
                    always.add(start)
                    continue
                report.warn(
                    f"a line of {len(line.strip())} characters names the site brand {b.group()!r} "
                    "but was kept: it is too long to be an advertisement"
                )
            s = self.score(line)
            if s >= self.middle_score:
                always.add(start)
            elif s >= self.edge_score:
                edge[start] = end
        return always, edge

    def _lines_to_score(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the lines with a trigger match that may matter: a brand, or
        words worth at least the lower of edge_score and middle_score together. A line
        with less (one weak word, in most texts) would score 0: it is left out here,
        from the matches of one scan, rather than scanned again on its own."""
        lines: list[tuple[int, int]] = []
        if self.trigger_spans_lines:  # a word with a line feed: every line, as found one by one
            pos = 0
            while (m := self.trigger.search(text, pos)) is not None:
                end = text.find("\n", m.end())
                end = len(text) if end < 0 else end
                lines.append((text.rfind("\n", 0, m.start()) + 1, end))
                pos = end + 1
            return lines
        info = self.trigger_info
        least = self.least_score
        start = end = -1
        seen: set[str] = set()
        score = 0
        for m in self.trigger.finditer(text):
            s = m.start()
            if s > end:  # the first match of a line
                if score >= least:
                    lines.append((start, end))
                start = text.rfind("\n", 0, s) + 1
                end = text.find("\n", m.end())
                if end < 0:
                    end = len(text)
                seen = set()
                score = 0
            if score < least:
                known = info.get(m.group())
                if known is None:  # a brand: look closer
                    score = least
                elif known[0] not in seen:  # each word counts once
                    seen.add(known[0])
                    score += known[1]
        if score >= least:
            lines.append((start, end))
        return lines

    # -- the edges of the text ----------------------------------------------

    def _walk_head(self, text: str, removed: set[int], edge: dict[int, int]) -> bool:
        """Remove promotion and leftover lines among the first head_lines kept lines."""
        changed = False
        kept = 0
        pos = 0
        n = len(text)
        while kept < self.head_lines and pos <= n:
            end = text.find("\n", pos)
            if end < 0:
                end = n
            if pos not in removed:
                line = text[pos:end]
                if line.strip():
                    if pos in edge or (self.leftover is not None and self.leftover.fullmatch(line)):
                        removed.add(pos)
                        changed = True
                    else:
                        kept += 1
            pos = end + 1
        return changed

    def _walk_tail(self, text: str, removed: set[int], edge: dict[int, int]) -> bool:
        """Remove promotion lines among the last tail_lines kept lines."""
        changed = False
        kept = 0
        end = len(text)
        while kept < self.tail_lines and end >= 0:
            start = text.rfind("\n", 0, end) + 1
            if start not in removed and text[start:end].strip():
                if start in edge:
                    removed.add(start)
                    changed = True
                else:
                    kept += 1
            end = start - 1
        return changed

    def _near_gap(self, text: str, start: int, end: int, removed: set[int]) -> bool:
        """Whether the line [start, end) is among the part_lines kept non-blank lines
        next to a run of part_gap blank lines (removed lines do not count)."""
        if self.part_lines <= 0:
            return False
        n = len(text)
        # forward: the end of a part
        kept, blanks, pos = 0, 0, end + 1
        while pos <= n:
            e = text.find("\n", pos)
            if e < 0:
                e = n
            if pos not in removed:
                if text[pos:e].strip():
                    kept += 1
                    blanks = 0
                    if kept >= self.part_lines:
                        break
                else:
                    blanks += 1
                    if blanks >= self.part_gap:
                        return True
            pos = e + 1
        # backward: the start of a part
        kept, blanks, e = 0, 0, start - 1
        while e >= 0:
            s = text.rfind("\n", 0, e) + 1
            if s not in removed:
                if text[s:e].strip():
                    kept += 1
                    blanks = 0
                    if kept >= self.part_lines:
                        break
                else:
                    blanks += 1
                    if blanks >= self.part_gap:
                        return True
            e = s - 1
        return False

    # -- the filter ---------------------------------------------------------

    def apply(self, text: str, report: Report) -> str:
        always, edge = self._candidates(text, report)
        if not always and not edge and (self.clean_head is None or self.clean_head.match(text)):
            return text  # no line to remove, and no leftover in the head
        removed = set(always)
        while True:
            changed = self._walk_head(text, removed, edge)
            changed = self._walk_tail(text, removed, edge) or changed
            for start, end in edge.items():
                if start not in removed and self._near_gap(text, start, end, removed):
                    removed.add(start)
                    changed = True
            if not changed:
                break
        if not removed:
            return text
        edits = []
        n = len(text)
        for start in sorted(removed):
            end = text.find("\n", start)
            end = n if end < 0 else end + 1
            edits.append((start, end, ""))
        return apply_edits(text, edits, report)
