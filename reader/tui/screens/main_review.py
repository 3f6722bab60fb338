"""MainReview: the review keys on the main screen (t tags the article, a writes its note) and the reading
view's tags and note."""

from __future__ import annotations

import re

from reader.library import Library
from reader.searches import SavedSearch
from reader.session import Session
from reader.state import State
from reader.textsafe import inert
from reader.tui.messages import ArticleLoaded, MentionsLoaded
from reader.tui.widgets import ReadingView

TAGS_FIELD = re.compile(r"\btags:", re.I)
"""A query that names this field matches user tags: it is run again after they change."""


class MainReview:
    """Mixed into MainScreen, which provides the panes, `session`, `current_article_id`,
    `_target` (MainActions), the worker `search` (MainWork) and `_saved`, `count_searches` (MainSearches)."""

    library: Library
    state: State
    session: Session
    current_article_id: str | None
    _saved: tuple[SavedSearch, ...]

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        self.current_article_id = message.article.id
        self.query_one(ReadingView).show(message.article, message.mentions, message.matches, message.tags,
                                         message.note)

    def on_mentions_loaded(self, message: MentionsLoaded) -> None:
        if message.article_id == self.current_article_id:
            self.query_one(ReadingView).set_mentions(message.mentions)

    def _title(self, article_id: str) -> str:
        row = self.session.all_rows.get(article_id)
        return row.title if row else article_id

    def action_tag(self) -> None:
        """`t`: edit the tags of the article under the cursor (or open) with `+tag -tag tag`."""
        from reader.tui.screens.tag import TagDialog  # a pushed screen: imported when used

        if (target := self._target()) is None:
            return

        def applied(tags: list[str] | None) -> None:
            if tags is None:
                return
            reading = self.query_one(ReadingView)
            if self.current_article_id == target:
                reading.show_review(tags, reading.note)
            # markup=False: tags are the user's text, shown as typed ("[bold]x[/]" stays that).
            self.notify(f"Tags: {', '.join(inert(t) for t in tags)}" if tags else "No tags", timeout=3,
                        markup=False)
            self._tags_changed()

        self.app.push_screen(TagDialog(self.state, target, self._title(target)), applied)

    def action_note(self) -> None:
        """`a`: write (or change, or delete) the note on the article under the cursor (or open)."""
        from reader.tui.screens.note import NoteDialog  # a pushed screen: imported when used

        if (target := self._target()) is None:
            return

        def saved(note: str | None) -> None:
            if note is None:
                return
            reading = self.query_one(ReadingView)
            if self.current_article_id == target:
                reading.show_review(reading.tags, note or None)
            self.notify("Note saved" if note else "Note deleted", timeout=3, markup=False)

        self.app.push_screen(NoteDialog(self.state, target, self._title(target)), saved)

    def _tags_changed(self) -> None:
        """The list and the saved searches' counts follow a tag change when their queries name `tags:`."""
        if TAGS_FIELD.search(self.session.query):
            self.search(self.session.query, self.session.sort, debounce=0)
        if any(TAGS_FIELD.search(s.query) for s in self._saved):
            self.count_searches()
