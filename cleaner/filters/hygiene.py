"""hygiene: invisible characters, control characters, HTML residue and NFC.

Changes:

- removes zero-width characters (U+200B-U+200D, U+2060, U+FEFF anywhere), soft hyphens,
  bidirectional marks, every control character except LF and TAB, and lone surrogates
  (a string from JSON or a library caller can hold them; no file can) (the
  ``invisible`` option lists them);
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
skipped when the text has no ``&`` or ``<``; a text with neither, no invisible character
and already in NFC is returned as it is after one scan.
"""
from __future__ import annotations

import functools
import html
import re
import sys
import unicodedata
from typing import Any, Callable

from cleaner.core import Filter, Option, Report, Span, compose_edits, substitute

DEFAULT_INVISIBLE = (
    "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\xad\\u180e\\u200b-\\u200f"
    "\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff\\ud800-\\udfff"
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


# -- the quick test for text that needs no work -------------------------------
#
# Text without "&" and "<" is left alone when it holds no invisible character and is
# in NFC. Both are learned in one scan of a character class: the invisible characters
# together with every BMP character that can keep a text from being NFC ("suspects").
# A text without suspects is NFC: it has no character with a canonical decomposition
# (other than Hangul syllables, which decompose and compose back to themselves), no
# combining mark to reorder, and no character that composes with the one before it
# (second halves of canonical compositions, Hangul medial vowels and final
# consonants), so composing its decomposition gives it back unchanged. Characters
# beyond the BMP are not in the class (a range there would make the scan of every
# text slower); a text that may hold one gets the full NFC check instead.

_NFC_SUSPECTS_VERSION = "14.0.0"
_NFC_SUSPECTS = """
00C0-00C5 00C7-00CF 00D1-00D6 00D9-00DD 00E0-00E5 00E7-00EF 00F1-00F6 00F9-00FD
00FF-010F 0112-0125 0128-0130 0134-0137 0139-013E 0143-0148 014C-0151 0154-0165
0168-017E 01A0-01A1 01AF-01B0 01CD-01DC 01DE-01E3 01E6-01F0 01F4-01F5 01F8-021B
021E-021F 0226-0233 0300-034E 0350-036F 0374 037E 0385-038A 038C 038E-0390 03AA-03B0
03CA-03CE 03D3-03D4 0400-0401 0403 0407 040C-040E 0419 0439 0450-0451 0453 0457
045C-045E 0476-0477 0483-0487 04C1-04C2 04D0-04D3 04D6-04D7 04DA-04DF 04E2-04E7
04EA-04F5 04F8-04F9 0591-05BD 05BF 05C1-05C2 05C4-05C5 05C7 0610-061A 0622-0626
064B-065F 0670 06C0 06C2 06D3 06D6-06DC 06DF-06E4 06E7-06E8 06EA-06ED 0711 0730-074A
07EB-07F3 07FD 0816-0819 081B-0823 0825-0827 0829-082D 0859-085B 0898-089F 08CA-08E1
08E3-08FF 0929 0931 0934 093C 094D 0951-0954 0958-095F 09BC 09BE 09CB-09CD 09D7
09DC-09DD 09DF 09FE 0A33 0A36 0A3C 0A4D 0A59-0A5B 0A5E 0ABC 0ACD 0B3C 0B3E 0B48
0B4B-0B4D 0B56-0B57 0B5C-0B5D 0B94 0BBE 0BCA-0BCD 0BD7 0C3C 0C48 0C4D 0C55-0C56 0CBC
0CC0 0CC2 0CC7-0CC8 0CCA-0CCB 0CCD 0CD5-0CD6 0D3B-0D3C 0D3E 0D4A-0D4D 0D57 0DCA 0DCF
0DDA 0DDC-0DDF 0E38-0E3A 0E48-0E4B 0EB8-0EBA 0EC8-0ECB 0F18-0F19 0F35 0F37 0F39 0F43
0F4D 0F52 0F57 0F5C 0F69 0F71-0F76 0F78 0F7A-0F7D 0F80-0F84 0F86-0F87 0F93 0F9D 0FA2
0FA7 0FAC 0FB5 0FB7 0FB9 0FC6 1026 102E 1037 1039-103A 108D 1161-1175 11A8-11C2
135D-135F 1714-1715 1734 17D2 17DD 18A9 1939-193B 1A17-1A18 1A60 1A75-1A7C 1A7F
1AB0-1ABD 1ABF-1ACE 1B06 1B08 1B0A 1B0C 1B0E 1B12 1B34-1B35 1B3B 1B3D 1B40-1B41
1B43-1B44 1B6B-1B73 1BAA-1BAB 1BE6 1BF2-1BF3 1C37 1CD0-1CD2 1CD4-1CE0 1CE2-1CE8 1CED
1CF4 1CF8-1CF9 1DC0-1E99 1E9B 1EA0-1EF9 1F00-1F15 1F18-1F1D 1F20-1F45 1F48-1F4D
1F50-1F57 1F59 1F5B 1F5D 1F5F-1F7D 1F80-1FB4 1FB6-1FBC 1FBE 1FC1-1FC4 1FC6-1FD3
1FD6-1FDB 1FDD-1FEF 1FF2-1FF4 1FF6-1FFD 2000-2001 20D0-20DC 20E1 20E5-20F0 2126
212A-212B 219A-219B 21AE 21CD-21CF 2204 2209 220C 2224 2226 2241 2244 2247 2249 2260
2262 226D-2271 2274-2275 2278-2279 2280-2281 2284-2285 2288-2289 22AC-22AF 22E0-22E3
22EA-22ED 2329-232A 2ADC 2CEF-2CF1 2D7F 2DE0-2DFF 302A-302F 304C 304E 3050 3052 3054
3056 3058 305A 305C 305E 3060 3062 3065 3067 3069 3070-3071 3073-3074 3076-3077
3079-307A 307C-307D 3094 3099-309A 309E 30AC 30AE 30B0 30B2 30B4 30B6 30B8 30BA 30BC
30BE 30C0 30C2 30C5 30C7 30C9 30D0-30D1 30D3-30D4 30D6-30D7 30D9-30DA 30DC-30DD 30F4
30F7-30FA 30FE A66F A674-A67D A69E-A69F A6F0-A6F1 A806 A82C A8C4 A8E0-A8F1 A92B-A92D
A953 A9B3 A9C0 AAB0 AAB2-AAB4 AAB7-AAB8 AABE-AABF AAC1 AAF6 ABED F900-FA0D FA10 FA12
FA15-FA1E FA20 FA22 FA25-FA26 FA2A-FA6D FA70-FAD9 FB1D-FB1F FB2A-FB36 FB38-FB3C FB3E
FB40-FB41 FB43-FB44 FB46-FB4E FE20-FE2F
"""
"""The BMP NFC suspects of Unicode 14.0, the version of Python 3.11's ``unicodedata``
(the tests derive the table from it). With another version the quick test leaves NFC
to the full check."""


@functools.lru_cache(maxsize=None)
def _nfc_suspects() -> str | None:
    """The suspects as a regex class body, or None when the table does not fit the
    ``unicodedata`` at hand."""
    if unicodedata.unidata_version != _NFC_SUSPECTS_VERSION:
        return None
    body = []
    for item in _NFC_SUSPECTS.split():
        first, _, last = item.partition("-")
        body.append(f"\\u{first}-\\u{last}" if last else f"\\u{first}")
    return "".join(body)


_UCS4_EMPTY = sys.getsizeof("\U00010000") - 4
"""``sys.getsizeof`` of a str of 4-byte characters, less 4 bytes per character."""


def _may_hold_astral(text: str) -> bool:
    """False only when ``text`` certainly holds no character beyond the BMP: CPython
    keeps such a character only in a string of 4 bytes per character, and any such
    string is at least this large (a cached UTF-8 copy only adds to the size)."""
    return sys.getsizeof(text) >= _UCS4_EMPTY + 4 * len(text)


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
        # One scan finds any "&", "<", invisible character or NFC suspect (see above):
        # a class scan costs the same for any number of characters, while an "in" test
        # for "&" or "<" would add a tenth of it each. Two classes in an alternation: re
        # joins them into one class when neither is negated, and a user's body stays whole.
        suspects = _nfc_suspects() if self.nfc else None
        self._work = re.compile(f"[{cfg['invisible']}]|[&<{suspects or ''}]")
        self._nfc_check_all = self.nfc and not suspects
        """NFC needs the full check even when the scan found no suspect."""

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
        # Text that has nothing to decode or strip and is NFC (the usual case, and the
        # chain's settling pass) is returned after a few quick tests.
        if self._work.search(text) is None and (
            not self.nfc
            or not (self._nfc_check_all or _may_hold_astral(text))
            or unicodedata.is_normalized("NFC", text)
        ):
            return text
        return self._apply(text, report)

    def _apply(self, text: str, report: Report) -> str:
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
            # Decoding can reveal more markup (&lt;br&gt;, &amp;nbsp;), and removing an
            # invisible character or composing a letter with its accent (&nbspp\u0301)
            # can complete an entity: repeat until nothing changes.
            before = cur
            if self.do_entities and "&" in cur:
                step(lambda t, r: substitute(self.entity, self._entity, t, r))
            if "<" in cur:
                step(lambda t, r: substitute(self.markup, self._markup, t, r))
            if first or cur is not before:
                step(lambda t, r: substitute(self.invisible, self._invisible, t, r))
                if self.nfc and not unicodedata.is_normalized("NFC", cur):
                    step(self._nfc)
            first = False
            if cur is before:
                break
        for start, end, new in edits:
            old = text[start:end]
            if old != new:
                report.edit(start, end, old, new)
        return cur
