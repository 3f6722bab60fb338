"""Feeds: subscriptions (user state), fetching over http(s), and each new item written once into the corpus."""

from __future__ import annotations

from reader.feeds.bookkeeping import Bookkeeping, Fetched
from reader.feeds.fetch import Result, fetch
from reader.feeds.items import FOLDER, check_writable, delete_items
from reader.feeds.subscriptions import Feed, check_url, feeds, find, find_in, subscribe, unsubscribe

__all__ = ["Bookkeeping", "Feed", "Fetched", "FOLDER", "Result", "check_url", "check_writable", "delete_items",
           "feeds", "fetch", "find", "find_in", "subscribe", "unsubscribe"]
