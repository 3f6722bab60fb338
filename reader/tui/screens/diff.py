"""DiffScreen (two wire copies aligned) and CopyChooser (which copy, when an article has several)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from reader.library import Library
from reader.models import Overlap
from reader.textsafe import fit, inert
from reader.tui import source
from reader.tui.messages import DiffReady
from reader.tui.widgets.vim_options import VimOptionList
from reader.tui.widgets.wire_diff import WireDiffView


class DiffScreen(Screen):
    """A pushed screen: the diff is computed in a worker and drawn when it arrives."""

    HELP_TITLE = "Comparing two copies"
    HELP = "A is the article you were on, B its copy. q or Escape goes back."
    BINDINGS = [Binding("q,escape", "back", "Back", id="diff.back")]

    def __init__(self, library: Library, a: str, b: str) -> None:
        super().__init__()
        self.library, self.a, self.b = library, a, b
        self.alignment: source.Alignment | None = None
        self._titles: tuple[str, str] = (a, b)

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Aligning {inert(self.a)} with {inert(self.b)}…"), id="diff-header", markup=False)
        yield WireDiffView(id="diff")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(WireDiffView).focus()
        self.align()

    @work(thread=True, group="diff", exclusive=True, exit_on_error=False, description="Aligning two copies")
    def align(self) -> None:
        try:
            alignment = source.diff(self.library, self.a, self.b)
            titles = tuple(_label(self.library, i) for i in (self.a, self.b))
            only_a, only_b = self.library.names_compared(self.a, self.b, wait=False)
        except Exception as exc:  # noqa: BLE001 — shown in the header; the screen stays usable
            self.post_message(DiffReady(None, error=f"cannot align these copies: {exc}"))
            return
        self.post_message(DiffReady(alignment, (titles[0], titles[1]),
                                    ([e.name for e in only_a], [e.name for e in only_b])))

    def on_diff_ready(self, message: DiffReady) -> None:
        header = self.query_one("#diff-header", Static)
        if message.alignment is None:
            header.update(Text(message.error or "no alignment", style="bold"))
            return
        self.alignment = message.alignment
        self._titles = message.titles
        view = self.query_one(WireDiffView)
        notes = [f"names only in {side}: " + ", ".join(names) for side, names in zip("AB", message.names, strict=True)
                 if names]  # whom the copy dropped or added: the diff's first lines, not the header's
        view.set_alignment(self.alignment.segments, self.alignment.ops, notes=notes)
        self.watch(view, "current_change", lambda _: self._show_header(), init=False)
        self._show_header()

    def on_resize(self) -> None:
        if self.alignment is not None:
            self._show_header()

    def _show_header(self) -> None:
        """Three lines, whatever the width (7 of 24 rows before): each side's share and title, then the
        label, where the reader is among the changes, and the legend, each cut to fit."""
        from reader.overlap.render import short_legend  # loaded by the worker that aligned the pair

        found, view = self.alignment, self.query_one(WireDiffView)
        header = self.query_one("#diff-header", Static)
        width = max(10, header.content_size.width or self.size.width - 2)  # inside its padding
        total, current = len(view.changes), view.current_change
        label = {"wholly": "wholly derived", "partially": "partially derived", "non": "non-derived"}.get(
            found.label, found.label)
        if found.label != "non" and found.derived in ("a", "b"):  # the side the label speaks of
            label += " (B copies A)" if found.derived == "b" else " (A copies B)"
        where = (f"change {current + 1} of {total}" if current >= 0 else
                 f"{total} change{'s' if total != 1 else ''}, ] for the first") if total else "no changes"
        text = Text(end="")
        for side, share, title in (("A", found.share_a, self._titles[0]), ("B", found.share_b, self._titles[1])):
            text.append(f"{side} {share:.0%} reused  ", style="bold")
            text.append(fit(inert(title), max(1, width - 16), cell_len) + "\n")
        line = f"{inert(label)} · {where} · {short_legend('A', 'B')}"
        text.append(fit(line, width, cell_len), style="italic")
        header.update(text)

    def action_back(self) -> None:
        self.dismiss()


def _label(library: Library, article_id: str) -> str:
    article = library.article(article_id)
    return " · ".join(x for x in (article.outlet, article.date, article.title) if x)


class CopyChooser(ModalScreen[str | None]):
    """Pick which copy to compare with; dismisses with the other article's id (None: cancelled)."""

    HELP_TITLE = "Copies of this article"
    HELP = "Copies of this article, most reused first. Enter compares; Escape cancels."
    BINDINGS = [Binding("escape,q", "cancel", "Cancel", id="chooser.cancel")]
    DEFAULT_CSS = """
    CopyChooser {
        align: center middle;
        #chooser { width: 90%; max-width: 100; height: auto; max-height: 80%; border: round $primary;
                   background: $surface; }
        OptionList { height: auto; max-height: 20; border: none; }
    }
    """

    def __init__(self, article_id: str, overlaps: list[Overlap], titles: dict[str, str]) -> None:
        super().__init__()
        self.article_id, self.overlaps, self.titles = article_id, overlaps, titles

    def compose(self) -> ComposeResult:
        options = []
        for o in sorted(self.overlaps, key=lambda o: -max(o.share_a, o.share_b)):
            other = o.other(self.article_id)
            mine, theirs = o.share_of(self.article_id), o.share_of(other)
            prompt = Text(no_wrap=True, overflow="ellipsis")
            prompt.append(f"{mine:>4.0%} {theirs:>4.0%} {o.label:<9} ", style="bold")
            prompt.append(inert(self.titles.get(other, other)))
            options.append(Option(prompt, id=other))
        with Vertical(id="chooser"):
            yield Static(Text("Compare with which copy?  (shares: this one, the copy)", style="bold"), markup=False)
            yield VimOptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
