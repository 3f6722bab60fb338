"""MainActions: the keys that act on one article (read, star, next unread, diff) or on the list (export, timeline)."""

from __future__ import annotations

from pathlib import Path

from reader.library import Library
from reader.session import Session
from reader.state import State
from reader.textsafe import inert
from reader.timeline import histogram
from reader.tui.messages import CopiesListed, ExportFinished
from reader.tui.widgets import ArticleList, ReadingView, StatusBar, TimelineBar


class MainActions:
    """Mixed into MainScreen, which provides the panes, the `session`, `reading`, `open_article`, `refilter`,
    the workers `list_copies` and `export_list`, and `recount_searches_soon` (MainSearches)."""

    library: Library
    state: State
    session: Session
    current_article_id: str | None
    reading: bool

    def _target(self) -> str | None:
        """The article keys act on: the open one while reading, else the one under the list cursor."""
        if self.reading or self.query_one(ReadingView).has_focus_within:
            return self.current_article_id
        return self.query_one(ArticleList).current_id

    def action_toggle_read(self) -> None:
        if (target := self._target()) is not None:
            self._set_read(target, target not in self.session.read)

    def action_toggle_star(self) -> None:
        if (target := self._target()) is None:
            return
        self.state.set_starred(target, target not in self.session.starred)
        self.session.toggle_star(target)
        self.query_one(ArticleList).marks_changed(target)

    def _set_read(self, article_id: str, flag: bool) -> None:
        # A one-row autocommit in WAL mode: well under a millisecond, and it must not be lost at quit.
        self.state.set_read(article_id, flag)
        changed = self.session.set_read(article_id, flag)
        articles = self.query_one(ArticleList)
        articles.marks_changed(article_id)
        if changed and articles.index_of(article_id) is not None:
            self.query_one(StatusBar).unread += -1 if flag else 1
        if changed:
            self.recount_searches_soon()  # the saved searches' unread counts, once the marks rest

    def action_next_unread(self, direction: int) -> None:
        articles = self.query_one(ArticleList)
        index = self.session.next_unread(articles.cursor + direction, direction)
        if index is not None:
            articles.cursor = index
            if self.reading or self.query_one(ReadingView).has_focus_within:
                self.open_article(articles.rows.ids[index])
            return
        self.notify("No more unread articles" + (" below." if direction > 0 else " above."), timeout=2)

    def action_diff(self) -> None:
        target = self._target()
        if target is None:
            return
        if target not in self.session.copies:
            self.notify("This article has no wire copies.", severity="warning", timeout=3)
            return
        self.list_copies(target)

    def on_copies_listed(self, message: CopiesListed) -> None:
        from reader.tui.screens.diff import CopyChooser, DiffScreen  # pushed screens: imported when used

        article_id = message.article_id
        if message.shown:
            if article_id == self.current_article_id:
                self.query_one(ReadingView).set_copies(self._copy_lines(article_id, message.overlaps))
            return
        others = [o.other(article_id) for o in message.overlaps]
        if not others:
            self.notify("This article has no wire copies.", severity="warning", timeout=3)
        elif len(others) == 1:
            self.app.push_screen(DiffScreen(self.library, article_id, others[0]))
        else:
            titles = {i: self._about(i) for i in others if self.session.all_rows.get(i)}

            def chosen(other: str | None) -> None:
                if other:
                    self.app.push_screen(DiffScreen(self.library, article_id, other))

            self.app.push_screen(CopyChooser(article_id, message.overlaps, titles), chosen)

    def _about(self, article_id: str) -> str:
        """An article's outlet, date and title, as copies are listed (its id if it is not in the list)."""
        row = self.session.all_rows.get(article_id)
        return " · ".join(x for x in (row.outlet, row.date, row.title) if x) if row else article_id

    def _copy_lines(self, article_id: str, overlaps: list) -> list[str]:
        """Each copy as the reading view lists it, most reused first: the shares (this article's, the
        copy's), the label, and the copy's outlet, date and title."""
        lines = []
        for o in sorted(overlaps, key=lambda o: -max(o.share_a, o.share_b)):
            other = o.other(article_id)
            lines.append(f"{o.share_of(article_id):>4.0%} {o.share_of(other):>4.0%}  {o.label:<9} "
                         f"{self._about(other)}")
        return lines

    def action_export(self) -> None:
        """`x`: write the list as shown to a file; a dialog asks where (the extension picks the format)."""
        from reader.tui.screens.export import ExportDialog, default_name  # a pushed screen: imported when used

        if self.session.current_rows_stale:
            # The rows still answer the previous query: the file would not be the list the query names.
            self.notify("Still searching: export once the list is shown.", timeout=3)
            return
        rows = self.query_one(ArticleList).rows
        if not rows:
            self.notify("Nothing to export", timeout=3)
            return
        # Taken now: the file holds the list the dialog counted, even if a sync changes it meanwhile.
        ids, query, listed = list(rows.ids), self.session.query, self.session.describe()
        try:
            folder: Path | None = Path.cwd()
        except OSError:  # the folder wire was started in has been removed
            folder = None

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice:
                self.export_list(ids, choice[1], choice[0], query)

        def ask(name: str, error: str | None = None) -> None:
            self.app.push_screen(ExportDialog(len(ids), listed, folder, name, error), chosen)

        self._export_again = ask
        ask(default_name())

    _export_again = None
    """Opens the export dialog again for the last export, with a name and why it failed."""

    def on_export_finished(self, message: ExportFinished) -> None:
        # markup=False: the path (typed by the user) and the error quoting it are shown as they are.
        if message.error:
            if self._export_again is not None:  # back in the dialog, the name as typed, the reason under it
                self._export_again(message.path, " ".join(message.error.split()))
                return
            self.notify(inert(" ".join(message.error.split())), title="Not exported", severity="error", timeout=10,
                        markup=False)
            return
        count = f"{message.count} article{'s' if message.count != 1 else ''}"
        self.notify(f"Exported {count} to {inert(message.path)}", timeout=6, markup=False)

    def action_toggle_timeline(self) -> None:
        """`T`: show the timeline of the rows listed and give it the keys; from there, hide it (the choice
        lasts for the session, unsaved)."""
        bar = self.query_one(TimelineBar)
        if self.has_class("-timeline") and not bar.has_focus:
            self.set_focus(bar)
            return
        shown = not self.has_class("-timeline")
        self.set_class(shown, "-timeline")
        self.update_timeline()
        self.set_focus(bar if shown else self.query_one(ArticleList))

    def on_timeline_bar_chosen(self, message: TimelineBar.Chosen) -> None:
        """Enter on the timeline: only those days (inside the range chosen before); Backspace widens again."""
        if self.session.narrow_to(message.first, message.last):
            self.refilter(debounce=False)

    def on_timeline_bar_left(self) -> None:
        self.set_focus(self.query_one(ArticleList))

    def update_timeline(self) -> None:
        """Count the listed rows' dates for the timeline bar, while it shows (MainScreen calls this as rows change).

        In the UI thread: the dates are already in the rows, and 21,577 of them (Reuters-21578) count
        in under 1 ms (0.8 ms measured), less than a worker's round trip would add.
        """
        if self.has_class("-timeline"):
            rows = self.query_one(ArticleList).rows
            self.query_one(TimelineBar).timeline = histogram(rows.dates())
