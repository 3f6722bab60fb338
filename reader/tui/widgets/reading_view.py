"""ReadingView: one article's title, metadata line, your tags and note, and clean text, with search terms and
entity mentions marked."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from reader.models import Article, Mention
from reader.textsafe import inert, openable_url

ENTITY_TYPES = ("person", "organization", "place")


class ReadingView(VerticalScroll, can_focus=True):
    """Shows the article it is given; never loads anything itself."""

    HELP_TITLE = "Reading view"
    HELP = "The reading view. Boilerplate (sign-ups, appeals, captions) is hidden until shown."
    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", id="reading.down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="reading.up", show=False),
        Binding("g,home", "scroll_home", "Top", id="reading.top", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="reading.bottom", show=False),
        Binding("ctrl+d,pagedown,space", "page_down", "Page down", id="reading.page_down", show=False),
        Binding("ctrl+u,pageup", "page_up", "Page up", id="reading.page_up", show=False),
        Binding("b", "toggle_boilerplate", "Boilerplate", id="reading.boilerplate"),
        Binding("m", "toggle_mentions", "Mentions", id="reading.mentions"),
    ]
    COMPONENT_CLASSES = {
        "reading-view--title",
        "reading-view--meta",
        "reading-view--match",
        "reading-view--person",
        "reading-view--organization",
        "reading-view--place",
        "reading-view--boilerplate",
        "reading-view--notice",
        "reading-view--tags",
        "reading-view--note-label",
        "reading-view--note",
    }
    DEFAULT_CSS = """
    ReadingView {
        background: $surface;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        & > .reading-view--title { text-style: bold; color: $text; }
        & > .reading-view--meta { color: $text-muted; }
        & > .reading-view--match { background: $warning 40%; text-style: bold underline; }
        & > .reading-view--person { color: $accent; text-style: underline; }
        & > .reading-view--organization { color: $success; text-style: underline; }
        & > .reading-view--place { color: $secondary; text-style: underline; }
        & > .reading-view--boilerplate { color: $text-disabled; text-style: italic; }
        & > .reading-view--notice { color: $text-muted; text-style: italic; }
        & > .reading-view--tags { color: $accent; }
        & > .reading-view--note-label { color: $warning; text-style: bold; }
        & > .reading-view--note { color: $text; background: $boost; text-style: italic; }
        #reading-body { width: 1fr; }
    }
    """

    show_boilerplate: reactive[bool] = reactive(False)
    """Boilerplate paragraphs are drawn, dimmed, when True."""
    show_mentions: reactive[bool] = reactive(True)
    """Entity mentions are coloured by type when True."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self.mentions: list[Mention] = []
        self.matches: list[tuple[int, int]] = []
        self.tags: list[str] = []
        """The user's tags of the article shown."""
        self.note: str | None = None
        """The user's note on the article shown."""
        self.copies: list[str] = []
        """Its wire copies, a line each (set_copies)."""

    def compose(self) -> ComposeResult:
        yield Static(Text("No article open.", style="italic"), id="reading-body", markup=False)

    def show(self, article: Article | None, mentions: list[Mention] | None = None,
             matches: list[tuple[int, int]] | None = None, tags: list[str] | None = None,
             note: str | None = None) -> None:
        """Display `article` from the top; mentions and search matches are offsets into `article.text`;
        `tags` and `note` are the user's."""
        self.article, self.mentions, self.matches = article, list(mentions or []), list(matches or [])
        self.copies = []
        self.tags, self.note = list(tags or []), note
        self._redraw()
        self.scroll_home(animate=False)

    def set_mentions(self, mentions: list[Mention]) -> None:
        """The names found in the article shown, once they are at hand (the view stays where it is)."""
        self.mentions = list(mentions)
        self._redraw()

    def set_copies(self, lines: list[str]) -> None:
        """The article's wire copies, one line each (shares, label, outlet, date, title), shown under its
        header once the copy stage has them (the view stays where it is)."""
        self.copies = list(lines)
        self._redraw()

    def show_review(self, tags: list[str], note: str | None) -> None:
        """New tags or note for the article shown (after `t` or `a`), the scroll position kept."""
        self.tags, self.note = list(tags), note
        self._redraw()

    # Scrolling keys move from where the last key left the view (scroll_target_y) and scroll at once:
    # Textual's own defer the scroll to the next refresh without moving the target, so j held down
    # over SSH (keys arriving in one read) scrolled one line for the whole burst.
    def _scroll_by(self, lines: int) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()  # as Textual's do: the key is left to the bindings below
        self.scroll_to(y=self.scroll_target_y + lines, animate=False, immediate=True)

    def action_scroll_down(self) -> None:
        self._scroll_by(1)

    def action_scroll_up(self) -> None:
        self._scroll_by(-1)

    def action_page_down(self) -> None:
        self._scroll_by(max(1, self.scrollable_content_region.height))

    def action_page_up(self) -> None:
        self._scroll_by(-max(1, self.scrollable_content_region.height))

    def action_toggle_boilerplate(self) -> None:
        self.show_boilerplate = not self.show_boilerplate

    def action_toggle_mentions(self) -> None:
        self.show_mentions = not self.show_mentions

    def watch_show_boilerplate(self) -> None:
        self._redraw()

    def watch_show_mentions(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        if not self.is_mounted:
            return
        body = self.query_one("#reading-body", Static)
        if self.article is None:
            body.update(Text("No article open.", style="italic"))
            return
        body.update(self.render_article())

    def render_article(self) -> Text:
        """The article as a rich Text: every piece of its text goes through `inert()`, never markup."""
        article = self.article
        assert article is not None
        part = self.get_component_rich_style
        out = Text(end="")
        out.append(inert(article.title) + "\n", part("reading-view--title"))
        meta = [x for x in (article.outlet, article.byline, article.date) if x]
        out.append(" · ".join(inert(x) for x in meta) or "(no outlet, byline or date)", part("reading-view--meta"))
        if self.tags:
            out.append("\ntags: " + ", ".join(inert(t) for t in self.tags), part("reading-view--tags"))
        out.append("\n" + inert(article.id), part("reading-view--meta"))
        if article.version_label:  # agency copy: "version 2 (update) of story KEY"
            out.append("\n" + inert(article.version_label), part("reading-view--meta"))
        if article.url:
            # A terminal link (OSC 8) when the URL is safe to put in one; `o` opens it, `y` copies it.
            link = openable_url(article.url)
            out.append("\n" + inert(article.url), part("reading-view--meta") + Style(link=link) if link else
                       part("reading-view--meta"))
        if self.copies:
            out.append(f"\n\nWire copies ({len(self.copies)}; shares: this one, the copy; d compares)",
                       part("reading-view--note-label"))
            for line in self.copies:
                out.append("\n" + inert(line), part("reading-view--meta"))
        if self.note:
            # The user's text, inert and never markup; set apart so it cannot be taken for the article's.
            out.append("\n\nNote", part("reading-view--note-label"))
            for line in self.note.split("\n"):
                out.append("\n")
                out.append(f" {inert(line)} ", part("reading-view--note"))
        by_type = {t: part(f"reading-view--{t}") for t in ENTITY_TYPES}
        match = part("reading-view--match")
        dim = part("reading-view--boilerplate")
        hidden = 0
        for start, paragraph in zip(article.paragraph_starts(), article.paragraphs, strict=True):
            if paragraph.boilerplate and not self.show_boilerplate:
                hidden += 1
                continue
            out.append("\n\n")
            styles: list[tuple[int, int, Style]] = []
            end = start + len(paragraph.text)
            if self.show_mentions:
                styles += [(m.start - start, m.end - start, by_type.get(m.type, Style()))
                           for m in self.mentions if m.start >= start and m.end <= end]
            styles += [(a - start, b - start, match) for a, b in self.matches if a >= start and b <= end]
            _append_styled(out, paragraph.text, styles, dim if paragraph.boilerplate else Style())
        if hidden:
            noun = "paragraph" if hidden == 1 else "paragraphs"
            out.append(f"\n\n[{hidden} boilerplate {noun} hidden; b shows them]", part("reading-view--notice"))
        return out


def _append_styled(out: Text, text: str, spans: list[tuple[int, int, Style]], base: Style) -> None:
    """Append `text` cut at every span edge; each piece is made inert separately, so that escaping
    (which lengthens the text) cannot shift a style onto the wrong characters."""
    edges = sorted({0, len(text), *(p for a, b, _ in spans for p in (a, b) if 0 <= p <= len(text))})
    for left, right in zip(edges, edges[1:], strict=False):
        style = base
        for a, b, extra in spans:
            if a <= left and right <= b:
                style = style + extra
        out.append(inert(text[left:right]), style)
