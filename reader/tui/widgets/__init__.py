"""The widgets of the reader, one pane per module."""

from __future__ import annotations

from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.entity_sidebar import EntitySidebar
from reader.tui.widgets.ordered import OrderedInput, OrderedTextArea
from reader.tui.widgets.reading_view import ReadingView
from reader.tui.widgets.search_bar import SearchBar
from reader.tui.widgets.status_bar import StatusBar
from reader.tui.widgets.timeline_bar import TimelineBar

__all__ = ["ArticleList", "EntitySidebar", "OrderedInput", "OrderedTextArea", "ReadingView", "SearchBar", "StatusBar",
           "TimelineBar"]
