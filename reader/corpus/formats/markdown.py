"""Markdown (`.md`, `.markdown`): optional YAML front matter, the body rendered to plain text (markdown-it-py)."""

from __future__ import annotations

import re

import yaml

from reader import yamlsafe
from reader.corpus.formats.records import FormatError, RawRecord, pick, sha
from reader.corpus.formats.htmltext import ELEMENTS, paragraphs
from reader.corpus.formats.text import clean, decode, split_paragraphs

_FRONT = re.compile(r"^---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", re.S)
MAX_FRONT = 256 * 1024
"""Front matter is a few lines of metadata; a bigger block is not read (the body still is)."""


def parse_md(rel: str, data: bytes) -> list[RawRecord]:
    """Markdown with optional YAML front matter (title, date, outlet, byline, url, tags)."""
    text = clean(decode(data)).lstrip("\ufeff")
    fields: dict = {}
    front = _FRONT.match(text)
    if front:
        if len(front.group(1)) <= MAX_FRONT:
            try:
                # Lenient: a date that cannot be (2026-02-30) or `!!float abc` stays text, then fails
                # to parse as a date and is left out; alias bombs and deep nesting raise.
                meta = yamlsafe.load(front.group(1), lenient=True)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" (line {mark.line + 2})" if mark else ""
                problem = getattr(exc, "problem", None)
                problem = f": {problem.splitlines()[0]}" if problem else ""
                raise FormatError(f"invalid YAML front matter{where}{problem}") from None
            if meta is not None and not isinstance(meta, dict):
                raise FormatError("front matter is not a mapping")
            fields = pick(meta or {})
        text = text[front.end():]
    return [RawRecord(rel, sha(data), split_paragraphs(render(text)), fields)]


def parse(rel: str, data: bytes) -> tuple[list[RawRecord], list[dict]]:
    return parse_md(rel, data), []


_PARSER = None


def render(text: str) -> str:
    """Markdown as plain text, one block (paragraph, heading, list item, quote, code block) a paragraph.

    Link text is kept and its URL dropped (a tracking query is not words to search, nor to show); emphasis
    markers, heading hashes, list bullets and quote marks are layout. Raw HTML tags are dropped, their text
    kept. Lines inside a block keep their breaks, so that split_paragraphs joins wrapped lines and keeps
    the rows of a table, as it does for text files.
    """
    if not _MARKUP.search(text):
        return _plain(text)
    return _parsed(text)


_MARKUP = re.compile(r"[*_`\[\]<>#!&\\~|]|[^\S \n]|^(?: {0,3}(?:[-+=]|\d{1,9}[.)])| {4})", re.M)
"""Anything Markdown could read as syntax: emphasis, code, links, HTML, entities, escapes, headings, quotes,
list items, rules, setext underlines, indented code; and whitespace other than spaces and line breaks (tabs,
no-break spaces), which it trims its own way. Four articles in five of the generated corpus have none."""
_BLANK = re.compile(r"\n *\n")


def _plain(text: str) -> str:
    """What markdown-it makes of a text with no syntax (`_MARKUP`), without parsing it: paragraphs at blank
    lines, each line's spaces at either end gone. A property test holds it to the parser's output; parsing
    was a sixth of a 100,000-article text build."""
    blocks = (_indented([line for line in block.split("\n") if line.strip(" ")]) for block in _BLANK.split(text))
    return "\n\n".join(b for b in blocks if b.strip())


def _indented(lines: list[str]) -> str:
    """A top-level paragraph's lines, each stripped but for the indent of a line after the first. CommonMark
    reads an indented line after a paragraph's as its lazy continuation, and drops the indent; old wire copy
    (Reuters-21578 as Markdown) marks its paragraphs by nothing else, so split_paragraphs needs it to keep them
    apart, as it does in a text file (without it, every wrapped line became a paragraph of its own)."""
    out = [lines[0].strip(" ")] if lines else []
    for line in lines[1:]:
        bare = line.strip(" ")
        out.append((" " if bare and line[:1] == " " else "") + bare)
    return "\n".join(out)


def _parsed(text: str) -> str:
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt  # here: only a Markdown file needs it (start-up is measured)

        _PARSER = MarkdownIt("commonmark")
    blocks = []
    number = None  # an ordered list item's number: "2. Rates rose" keeps its "2."
    source = text.split("\n")
    for token in _PARSER.parse(text):
        if token.type == "list_item_open":
            number = f"{token.info}{token.markup} " if token.info else None
        elif token.type == "inline":
            words = "".join(_inline(child) for child in token.children or ())
            if token.level == 1 and token.map and words.count("\n") == token.map[1] - token.map[0] - 1:
                # A top-level paragraph: one break per source line, so each line's indent can be put back.
                lines = words.split("\n")
                words = _indented([lines[0]] + [(" " if source[token.map[0] + i][:1] == " " else "") + line
                                                for i, line in enumerate(lines[1:], 1)])
            blocks.append(f"{number}{words}" if number and words.strip() else words)
            number = None
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
        elif token.type == "html_block":
            blocks.append(token.content if not _is_markup(token.content) else "\n\n".join(paragraphs(token.content)))
    return "\n\n".join(b.strip("\n") for b in blocks if b.strip())


_TAG = re.compile(r"\s*</?([A-Za-z][A-Za-z0-9-]*)")


def _is_markup(html: str) -> bool:
    """Whether raw HTML in Markdown is an HTML element's tag (`<b>`, `</div>`), not text that looks like one:
    `<Petroleo Brasileiro SA>` is how Reuters writes a company's name, and CommonMark reads it as a tag."""
    tag = _TAG.match(html)
    return bool(tag) and tag.group(1).lower() in ELEMENTS or html.lstrip().startswith("<!--")


def _inline(token) -> str:
    """The words of one inline token: text and code as written, a line break as one, markup as nothing."""
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return "\n"
    if token.type == "html_inline" and not _is_markup(token.content):
        return token.content  # `<ChemLawn Corp>`: a name in angle brackets, not a tag
    return ""  # link_open/close, em/strong markers, HTML tags, images (alt text is a caption at best)
