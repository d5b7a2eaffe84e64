"""hygiene: invisible characters, control characters, HTML residue and NFC.

Changes:

- removes zero-width characters (U+200B-U+200D, U+2060, U+FEFF anywhere), soft hyphens,
  bidirectional marks and every control character except LF and TAB (the ``invisible``
  option lists them);
- turns line terminators other than LF into LF: CR (CRLF becomes one LF), NEL, U+2028,
  U+2029; a form feed or vertical tab (a page or line separator) becomes a line break
  unless a line break is already next to it;
- decodes HTML entities that end with ``;`` (``&nbsp;`` ``&ldquo;`` ``&#8220;``
  ``&#x201c;``; a few very common ones such as ``&nbsp`` also without it); a space
  entity (``&nbsp;`` ``&ensp;`` ``&emsp;`` ...) becomes a plain space; doubly escaped
  entities (``&amp;nbsp;``) are decoded all the way;
- a run of ``<br>``/``<p>``/``</p>`` tags (``break_tags``) becomes one line break, or
  nothing when a line break is already next to it; other tags of HTML
  (``tags``, e.g. ``<span ...>``, ``</div>``, ``<o:p>``), comments and ``<script>``/
  ``<style>`` blocks are removed;
- normalizes to Unicode NFC.

Never: NFKC or any width folding (``，`` stays ``，``, ``８`` stays ``８``); a ``<``
that does not open a known HTML tag (``a<b``, ``x < y``, ``《》``, ``<xyz>``); an ``&``
that does not start a known entity (``R&D``, ``AT&T``); the line structure beyond
the breaks above (no line is joined, no blank line removed). Entity and tag work is
skipped when the text has no ``&`` or ``<``.
"""
from __future__ import annotations

import html
import re
import unicodedata
from typing import Any, Callable

from cleaner.core import Filter, Option, Report, Span, compose_edits, substitute

DEFAULT_INVISIBLE = (
    "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\xad\\u180e\\u200b-\\u200f"
    "\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff"
)
"""A regex character-class body: the characters this filter removes (or, for line
terminators, turns into LF). LF (\\x0a) and TAB (\\x09) are not in it."""

DEFAULT_TAGS = [
    "a", "abbr", "address", "article", "aside", "audio", "b", "big", "blockquote", "body",
    "br", "button", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "embed", "figcaption", "figure", "font",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html",
    "i", "iframe", "img", "input", "ins", "kbd", "label", "li", "link", "main", "mark",
    "meta", "nav", "nobr", "noscript", "o:p", "object", "ol", "p", "pre", "q", "s",
    "samp", "script", "section", "small", "source", "span", "strike", "strong", "style", "sub", "summary",
    "sup", "svg", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "tt",
    "u", "ul", "var", "video", "wbr",
]

DEFAULT_BREAK_TAGS = ["br", "p"]

DEFAULT_BARE_ENTITIES = ["nbsp", "amp", "lt", "gt", "quot"]

# Characters that end a line; each becomes one LF (CR right before LF becomes nothing).
_TERMINATORS = frozenset("\r\x85\u2028\u2029")
# Page/line separators; a line break unless one is already next to it.
_SEPARATORS = frozenset("\x0c\x0b")

# Every alternative of the markup pattern starts with a literal "<" (without the "<"
# here), which keeps the scan of a text without tags fast.
# Bounded so that an unclosed comment or block cannot make the scan quadratic, and a
# tag never spans lines (a stray "<a" in prose must not swallow text up to some ">").
_SCRIPT_STYLE = r"(?P<block>script|style)\b[^<>\n]{0,500}>.{0,50000}?</(?P=block)\s*>"
_COMMENT = r"!--.{0,20000}?-->|![A-Za-z][^<>\n]{0,500}>"
_SPACES = re.compile("[ \t]*")
_ATTRS = r"""(?:[ \t](?:[^<>"'\n]|"[^"\n]{0,500}"|'[^'\n]{0,500}'){0,2000})?/?>"""


class Hygiene(Filter):
    name = "hygiene"
    summary = "remove zero-width and control characters, decode HTML entities and tags, NFC"
    options = (
        Option(
            "invisible",
            str,
            DEFAULT_INVISIBLE,
            "regex character-class body (without brackets) of the characters removed: zero-width characters, "
            "soft hyphen, bidi marks, controls other than LF and TAB; CR, NEL, U+2028, U+2029, form feed and "
            "vertical tab in it become line breaks",
        ),
        Option("entities", bool, True, "decode HTML entities (&nbsp; &ldquo; &#8220; &#x201c; ...)"),
        Option(
            "bare_entities",
            list,
            DEFAULT_BARE_ENTITIES,
            "named entities also decoded without their closing ';' (when no letter or digit follows)",
        ),
        Option("tags", list, DEFAULT_TAGS, "HTML element names whose tags are removed (lower case)"),
        Option(
            "break_tags",
            list,
            DEFAULT_BREAK_TAGS,
            "element names whose tags (opening or closing) become a line break",
        ),
        Option("nfc", bool, True, "normalize to Unicode NFC (never NFKC)"),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        cfg = self.config
        # "[...][...]*" rather than "[...]+": re scans for a leading character class in
        # C, three times faster than for a repeated one.
        self.invisible = re.compile(f"[{cfg['invisible']}][{cfg['invisible']}]*")
        self.do_entities = bool(cfg["entities"])
        bare = "|".join(sorted((re.escape(n) for n in cfg["bare_entities"]), key=len, reverse=True))
        entity = r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};"
        if bare:
            entity += rf"|(?:{bare})(?![A-Za-z0-9;])"
        entity += ")"
        self.entity = re.compile(entity)
        self.tags = frozenset(t.lower() for t in cfg["tags"])
        self.break_tags = frozenset(t.lower() for t in cfg["break_tags"])
        tag = r"/?(?P<name>[A-Za-z][A-Za-z0-9]*(?::[A-Za-z][A-Za-z0-9]*)?)" + _ATTRS
        parts = [_SCRIPT_STYLE, _COMMENT]
        if self.break_tags:
            names = "|".join(sorted((re.escape(t) for t in self.break_tags), key=len, reverse=True))
            one = rf"/?(?:{names})(?![A-Za-z0-9:])" + _ATTRS
            parts.append(rf"(?P<breaks>{one}(?:[ \t]*<{one})*)")
        parts.append(tag)
        self.markup = re.compile("<(?:" + "|".join(parts) + ")", re.IGNORECASE | re.DOTALL)
        self.nfc = bool(cfg["nfc"])

    # -- entities -----------------------------------------------------------

    def _entity(self, m: re.Match[str]) -> str | None:
        ref = m.group()
        if not ref.endswith(";"):
            ref += ";"
        new = html.unescape(ref)
        if new == ref:
            return None  # unknown entity: leave it
        if new == "\ufffd" and ref.lower() not in ("&#65533;", "&#xfffd;"):
            return ""  # a reference to no character (&#0;, a surrogate): drop it
        if len(new) == 1 and new != "\u3000" and unicodedata.category(new) == "Zs":
            return " "
        return new

    # -- tags ---------------------------------------------------------------

    def _markup(self, m: re.Match[str]) -> str | None:
        if m.group("block") is not None or m.group().startswith("<!"):
            return ""
        if self.break_tags and m.group("breaks") is not None:
            # one line break, unless one is already next to the run (spaces between)
            text = m.string
            start, end = m.span()
            i = start - 1
            while i >= 0 and text[i] in " \t":
                i -= 1
            j = _SPACES.match(text, end).end()  # type: ignore[union-attr]
            if i < 0 or text[i] == "\n" or j == len(text) or text[j] == "\n":
                return ""
            return "\n"
        if m.group("name").lower() in self.tags:
            return ""
        return None

    # -- invisible and control characters -----------------------------------

    @staticmethod
    def _invisible(m: re.Match[str]) -> str:
        run = m.group()
        text = m.string
        start, end = m.span()
        after = text[end] if end < len(text) else "\n"
        prev = text[start - 1] if start > 0 else "\n"
        out: list[str] = []
        for i, ch in enumerate(run):
            if ch in _TERMINATORS:
                nxt = run[i + 1] if i + 1 < len(run) else after
                if ch == "\r" and nxt == "\n":
                    continue
                out.append("\n")
                prev = "\n"
            elif ch in _SEPARATORS:
                if prev == "\n" or after == "\n":
                    continue
                out.append("\n")
                prev = "\n"
        return "".join(out)

    # -- NFC ----------------------------------------------------------------

    @staticmethod
    def _nfc(text: str, report: Report) -> str:
        parts: list[str] = []
        pos = 0
        changed = False
        for line in text.split("\n"):
            if unicodedata.is_normalized("NFC", line):
                parts.append(line)
            else:
                new = unicodedata.normalize("NFC", line)
                # report the smallest differing middle of the line
                a, b = 0, 0
                limit = min(len(line), len(new))
                while a < limit and line[a] == new[a]:
                    a += 1
                while b < limit - a and line[len(line) - 1 - b] == new[len(new) - 1 - b]:
                    b += 1
                report.edit(pos + a, pos + len(line) - b, line[a:len(line) - b], new[a:len(new) - b])
                parts.append(new)
                changed = True
            pos += len(line) + 1
        return "\n".join(parts) if changed else text

    # -- the filter ---------------------------------------------------------

    def apply(self, text: str, report: Report) -> str:
        # The steps run one after another; their edits are composed so that every
        # reported span lies in the text this filter received.
        edits: list[Span] = []
        cur = text

        def step(fn: Callable[[str, Report], str]) -> None:
            nonlocal cur, edits
            sub = Report()
            new = fn(cur, sub)
            if sub.edits:
                edits = compose_edits(edits, [(e.start, e.end, e.new) for e in sub.edits], cur)
                cur = new

        first = True
        while True:
            # Decoding can reveal more markup (&lt;br&gt;, &amp;nbsp;) and removing an
            # invisible character can complete an entity: repeat until nothing changes.
            before = cur
            if self.do_entities and "&" in cur:
                step(lambda t, r: substitute(self.entity, self._entity, t, r))
            if "<" in cur:
                step(lambda t, r: substitute(self.markup, self._markup, t, r))
            if first or cur is not before:
                step(lambda t, r: substitute(self.invisible, self._invisible, t, r))
            first = False
            if cur is before:
                break
        if self.nfc and not unicodedata.is_normalized("NFC", cur):
            step(self._nfc)
        for start, end, new in edits:
            old = text[start:end]
            if old != new:
                report.edit(start, end, old, new)
        return cur
