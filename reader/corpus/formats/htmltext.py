"""A fragment of HTML (a feed item's content, a short mail) as plain paragraphs, with the standard library's parser."""

from __future__ import annotations

from html.parser import HTMLParser

BLOCKS = frozenset(("p", "div", "li", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                    "table", "ul", "ol", "section", "article", "header", "footer", "figure", "figcaption", "hr"))
HIDDEN = frozenset(("script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg"))
ELEMENTS = BLOCKS | HIDDEN | frozenset("""
a abbr address area aside audio b base bdi bdo big body br button canvas caption center cite code col colgroup
data datalist del details dfn dialog dir dl em embed fieldset font form frame frameset html i img input ins kbd
label legend link main map mark menu meta meter nav nobr noframes ol optgroup option output param picture
progress q rp rt ruby s samp search select slot small source span strike strong sub summary sup tbody td
textarea tfoot th thead time track tt u var video wbr
""".split())
"""Every HTML element's name: in Markdown, `<b>` is markup, but `<Petroleo Brasileiro SA>` (Reuters' way of
writing a company's name) is text."""


class _Paragraphs(HTMLParser):
    """Collects text; a block element's start or end closes the paragraph being written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.hidden = 0

    def _close(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self._close()
        elif tag == "br":
            self.current.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self._close()

    def handle_data(self, data) -> None:
        if not self.hidden:
            self.current.append(data)


def paragraphs(html: str) -> list[str]:
    """The text of `html`, a paragraph per block element; scripts, styles and tags gone, entities decoded.
    Link text is kept and its URL dropped."""
    parser = _Paragraphs()
    parser.feed(html)
    parser.close()
    parser._close()
    return parser.paragraphs
