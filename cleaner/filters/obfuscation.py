"""obfuscation: undo the substitutions material sites use to dodge keyword filters.

Changes, from the rule table ``rules`` of the profile (the defaults come from the seed
documents):

- ``D`` standing for ``党`` before the words it starts: ``在D的领导下``, ``D委``, ``D组``,
  ``D管人才``, ``D政机关``, ``D性教育``, ``D对人才事业``, ``D员``, ``D建``, ``D中央``,
  ``D和国家`` ... and in a document number: ``XD人才〔XXXX〕X号`` -> ``X党人才〔XXXX〕X号``;
- ``AAA`` standing for ``微信`` before ``公众号``, ``群``, ``号``, ``朋友圈``, ``小程序`` ...:
  ``AAA公众号`` -> ``微信公众号``, ``AAA群`` -> ``微信群``.

Never: a letter inside a Latin word or a number (``3D打印``, ``DNA``, ``AAAA``), a
letter before a word it does not start (``D级``, ``D类``, ``D轮融资``, ``三A新材料``), a
letter in a list of letters (``A、B、C、D四类``, ``C组、D组``), a letter that names a
point, an option or a vitamin (``点D的坐标``, ``选D的``, ``维生素D的作用``).

A rule is a table with ``pattern`` (a regular expression, ``regex`` module syntax),
``replacement`` (a template as for ``Match.expand``: ``\\1``, ``\\g<name>``),
optional ``unless`` (regular expressions tried where a match starts; they may look
behind; when one matches, the match is left alone) and optional ``name``. All rules
run in one pass: at each place, the first rule (in table order) that matches and is
not blocked wins. Scoped flags (``(?i:...)``) keep the single joined search;
a pattern with global flags (``(?i)...``) makes the rules be searched one by one.

The ``placeholders`` filter runs first and turns ``x`` into ``X``; a placeholder run
directly before an obfuscated capital is still a placeholder there (``xD人才`` ->
``XD人才``), so the ``D`` rule lets a standalone run of ``X`` precede the ``D``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex

from cleaner.core import Filter, Option, Report, apply_edits

_META = frozenset("\\.^$*+?{}[]|()#")
_QUANTIFIERS = frozenset("*+?{")


def literal_prefix(pattern: str) -> str | None:
    """The literal characters every match of ``pattern`` starts with (``D`` for
    ``D(?=委)``, ``AAA`` for ``AAA(?![a-z])``), or None when there are none or the
    pattern is one this simple reading cannot vouch for: a top-level ``|``, a
    backreference, a comment, a POSIX class."""
    if "(?#" in pattern or "[:" in pattern or "(?P=" in pattern or "\\g<" in pattern:
        return None
    head = ""
    for i, ch in enumerate(pattern):
        if ch in _META or ch.isspace() or pattern[i + 1 : i + 2] in _QUANTIFIERS and pattern[i + 1 : i + 2]:
            break
        head += ch
    if not head:
        return None
    # no alternative at the top level (which would not start with the head), no backreference
    depth, i, n = 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 < n and pattern[i + 1].isdigit():
                return None
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return None
        i += 1
    return head

# D not inside a Latin word or a number; a standalone run of x or X placeholders may
# precede it (XD人才〔XXXX〕X号). The literal D comes first so the search is quick.
# profiles/default.toml holds the same table (a test keeps the two equal).
DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "name": "D for 党 before the words it starts",
        "pattern": (
            r"D(?:(?<![A-Za-z0-9_]D)|(?<=(?<![A-Za-z0-9_])[xX]+D))(?![A-Za-z0-9_])"
            r"(?=[委组员建政性风纪章课史校务旗徽管费龄籍群规办内外]|的|对(?!应|比)|中央|支部|总支|工委|小组|代会|代表|领导"
            r"|和(?:国家|人民|政府|群众|社会))"
        ),
        "replacement": "党",
        "unless": [
            r"(?<=维生素)D",
            r"(?<=[点线角边面选项第]|答案|选择|字母|方案|型号)D",
            r"(?<=[A-CE-WYZ]\p{Han}{0,2}[、，,/／和与及或][ \t]?)D",
            r"D\p{Han}{0,2}[、，,/／和与及或至到~～][ \t]?[A-CE-WYZ](?![A-Za-z])",
            r"(?<=[A-Za-z0-9][ \t])D",
            r"(?<=(?:等级|等次|级别|评级|档次|类别|结果|成绩)[为是：:]?)D",
            r"D(?=的(?:比例|比重|占比|人数|数量|个数|得分))",
            r"(?<=式中[，,]?)D",
            r"D(?=校区)",
            r"(?<=小组赛|赛区|分在|分到)D",
        ],
    },
    {
        "name": "D for 党 in a document number",
        "pattern": r"D(?:(?<![A-Za-z0-9_]D)|(?<=(?<![A-Za-z0-9_])[xX]+D))(?![A-Za-z0-9_])(?=(?:(?!党)\p{Han}){0,4}[〔［\[][0-9xX])",
        "replacement": "党",
        "unless": [],
    },
    {
        "name": "AAA for 微信",
        "pattern": r"AAA(?<![A-Za-z0-9_]AAA)(?![A-Za-z0-9_])(?=公众号|公众平台|群|号|好友|朋友圈|小程序|支付|视频号|扫一扫)",
        "replacement": "微信",
        "unless": [],
    },
]

_COLUMNS = {"pattern": (str, True), "replacement": (str, True), "unless": (list, False), "name": (str, False)}


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: Any
    replacement: str
    unless: Any


class Obfuscation(Filter):
    name = "obfuscation"
    summary = "restore characters that material sites replace to dodge keyword filters (D for 党, AAA for 微信)"
    options = (
        Option(
            "rules",
            list,
            DEFAULT_RULES,
            "substitution rules: tables with pattern (regex), replacement (template), unless (regexes tried where a match starts; "
            "one that matches blocks it) and an optional name; the first rule that matches and is not blocked wins",
            columns=_COLUMNS,
            regex_columns=("pattern", "unless"),
        ),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        rules: list[dict[str, Any]] = self.config["rules"]
        self._rules: list[_Rule] = []
        for i, rule in enumerate(rules):
            unless = rule.get("unless") or []
            self._rules.append(
                _Rule(
                    name=rule.get("name") or f"rule {i + 1}",
                    pattern=regex.compile(rule["pattern"]),
                    replacement=rule["replacement"],
                    unless=regex.compile("|".join(f"(?:{u})" for u in unless)) if unless else None,
                )
            )
        # All rules are searched with one joined pattern. A pattern with global inline
        # flags ((?i) ...) would impose them on every rule of the join, so then the
        # rules are searched one by one, still in a single left-to-right pass. Either
        # way the join only finds where to look: each rule is matched on its own there.
        self._combined: Any = None
        plain = regex.compile("").flags
        if self._rules and all(r.pattern.flags == plain for r in self._rules):
            try:
                self._combined = regex.compile("|".join(f"(?:{r['pattern']})" for r in rules))
            except regex.error:  # pragma: no cover - defensive
                self._combined = None
        # When every rule starts with a literal (D..., AAA...), the places to try are
        # found with str.find, far quicker than the regex search; most texts hold none.
        self._heads: tuple[str, ...] | None = None
        if self._combined is not None:
            heads = [literal_prefix(r["pattern"]) for r in rules]
            if all(heads):
                self._heads = tuple(sorted(set(heads)))  # type: ignore[arg-type]

    def apply(self, text: str, report: Report) -> str:
        if not self._rules:
            return text
        return apply_edits(text, self._scan(text), report)

    def _next(self, text: str, pos: int) -> int | None:
        """Where the next match of any rule starts, from ``pos`` on."""
        if self._combined is not None:
            m = self._combined.search(text, pos)
            return None if m is None else m.start()
        starts = [m.start() for m in (r.pattern.search(text, pos) for r in self._rules) if m is not None]
        return min(starts) if starts else None

    def _scan(self, text: str) -> list[tuple[int, int, str]]:
        if self._heads is not None:
            return self._scan_heads(text, self._heads)
        edits: list[tuple[int, int, str]] = []
        pos = 0
        n = len(text)
        while pos < n:
            start = self._next(text, pos)
            if start is None:
                break
            hit = self._first_rule(text, start)
            if hit is None:
                pos = start + 1
                continue
            end, new = hit
            edits.append((start, end, new))
            pos = max(end, start + 1)
        return edits

    def _scan_heads(self, text: str, heads: tuple[str, ...]) -> list[tuple[int, int, str]]:
        """The same as the regex scan, with the places where a rule can start (its
        literal head) found by ``str.find``: the rules are tried at each, left to right."""
        edits: list[tuple[int, int, str]] = []
        nxt: dict[str, int] = {}
        for h in heads:
            # one character is looked for several times faster than a string, and a
            # text without D or A (most of them) is done after that
            if h[0] in text:
                p = text.find(h)
                if p >= 0:
                    nxt[h] = p
        while nxt:
            start = min(nxt.values())
            hit = self._first_rule(text, start)
            if hit is None:
                pos = start + 1
            else:
                end, new = hit
                edits.append((start, end, new))
                pos = max(end, start + 1)
            for h, p in list(nxt.items()):
                if p < pos:
                    q = text.find(h, pos)
                    if q < 0:
                        del nxt[h]
                    else:
                        nxt[h] = q
        return edits

    def _first_rule(self, text: str, start: int) -> tuple[int, str] | None:
        """The first rule that matches at ``start`` and is not blocked there: (end, replacement)."""
        for rule in self._rules:
            m = rule.pattern.match(text, start)
            if m is None or m.end() == start:
                continue
            if rule.unless is not None and rule.unless.match(text, start):
                continue
            return m.end(), m.expand(rule.replacement)
        return None
