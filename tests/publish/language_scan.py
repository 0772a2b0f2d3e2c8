"""Text of a page in its own language: what a reader sees, minus parts marked with another
``lang`` (data in Swedish on an English page), code, scripts and styles."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kgtool.web.site.i18n import UI

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip
_SKIP = {"head", "script", "style", "pre", "code", "template", "svg"}  # the title is the h1


class _Text(HTMLParser):
    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[bool] = []  # per open element: is its text left out?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        attrs = dict(attrs)
        other = attrs.get("lang") not in (None, "", self.lang) and tag != "html"
        out = (bool(self.stack) and self.stack[-1]) or other or tag in _SKIP
        self.stack.append(out)

    def handle_endtag(self, tag):
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def page_text(html: str, lang: str) -> str:
    parser = _Text(lang)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def foreign_strings(lang: str) -> list[str]:
    """The other language's interface strings that this language never uses itself."""
    other = "sv" if lang == "en" else "en"
    own = " ".join(UI[lang].values())
    return sorted(
        {
            text
            for key, text in UI[other].items()
            if text != UI[lang].get(key)
            and len(text) >= 4
            and text not in own
            and not re.fullmatch(r"[\W\d]+", text)
        }
    )


def found(html: str, lang: str) -> list[str]:
    """The other language's interface strings in the page's own-language text."""
    text = page_text(html, lang)
    # whole words only: "Triples" in "N-Triples" or "counties" in "counties.csv" are names
    word = r"(?<![\w.-]){}(?![\w-]|\.\w)"
    return [s for s in foreign_strings(lang) if re.search(word.format(re.escape(s)), text)]
