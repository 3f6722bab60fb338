"""`wire feeds` against a real HTTP server on 127.0.0.1 (bench/feed_server.py), with real feedparser and real files:
subscriptions, conditional GET, items written once, failures one line each, full text, schemes refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.feed_server import FeedServer
from reader.cli import main
from reader.locations import Locations

from .conftest import DATA

FEEDS = DATA / "feeds"


def wire(capsys, *argv: str) -> tuple[int, str, str]:
    """The real command in this process: (exit status, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def files(corpus: Path) -> dict[str, bytes]:
    root = corpus / "feeds"
    return {str(p.relative_to(corpus)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} \
        if root.is_dir() else {}


@pytest.fixture
def server():
    with FeedServer() as server:
        server.put("/ferries.rss", (FEEDS / "ferries.rss").read_bytes())
        server.put("/council.atom", (FEEDS / "council.atom").read_text().replace("{base}", server.base),
                   content_type="application/atom+xml")
        server.put("/pages/budget.html", (FEEDS / "pages" / "budget.html").read_bytes(), content_type="text/html")
        yield server


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "own.md").write_text("---\ntitle: My own notes\n---\n\nA file of the user's, never written.\n")
    return folder


def test_add_list_remove_and_the_subscriptions_are_the_corpus_s_own(capsys, server, corpus, tmp_path):
    url = server.url("/ferries.rss")
    code, out, err = wire(capsys, "--corpus", str(corpus), "feeds", "add", url, "--name", "Gazette")
    assert code == 0 and "added Gazette" in out and err == ""
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/council.atom"), "--full-text")
    assert code == 0 and "added 127.0.0.1 " in out  # the host, as the default name
    listed = json.loads(wire(capsys, "--corpus", str(corpus), "feeds", "list", "--json")[1])["feeds"]
    assert [(f["name"], f["url"], f["full_text"], f["folder"]) for f in listed] == [
        ("127.0.0.1", server.url("/council.atom"), True, "feeds/127-0-0-1"), ("Gazette", url, False, "feeds/gazette")]
    assert listed[0]["last_fetched"] is None and listed[0]["items_written"] == 0

    code, _, err = wire(capsys, "--corpus", str(corpus), "feeds", "add", url)
    assert code == 1 and err == f"wire: error: already subscribed to {url} as 'Gazette'\n"

    # A rebuild of the derived data keeps them: they are the user's state, not the index's.
    assert wire(capsys, "--corpus", str(corpus), "index", "--rebuild", "--text-only")[0] == 0
    assert "Gazette" in wire(capsys, "--corpus", str(corpus), "feeds", "list")[1]
    # Another corpus has none of them.
    other = tmp_path / "other"
    other.mkdir()
    assert json.loads(wire(capsys, "--corpus", str(other), "feeds", "list", "--json")[1]) == {"feeds": []}
    assert "no feeds yet" in wire(capsys, "--corpus", str(other), "feeds")[1]

    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "remove", "gazette")  # a name in any case
    assert code == 0 and "removed Gazette" in out and "stay in" in out
    assert [f["name"] for f in json.loads(wire(capsys, "--corpus", str(corpus), "feeds", "--json")[1])["feeds"]] \
        == ["127.0.0.1"]
    code, _, err = wire(capsys, "--corpus", str(corpus), "feeds", "remove", "Gazette")
    assert code == 1 and err.startswith("wire: error: no feed named or at 'Gazette'") and err.count("\n") == 1


@pytest.mark.parametrize("url, said", [
    ("file:///etc/passwd", "not 'file:'"), ("ftp://ftp.example/feed.xml", "not 'ftp:'"),
    ("data:text/xml,<rss/>", "not 'data:'"), ("javascript:alert(1)", "not 'javascript:'"),
    ("example.com/feed", "without http:// or https://"), ("http:///nohost", "no host"),
    ("http://exa mple.com/", "spaces or control characters"), ("http://x.example/\x1b[2J", "control characters"),
])
def test_addresses_other_than_http_and_https_are_refused_in_one_line(capsys, corpus, url, said):
    code, out, err = wire(capsys, "--corpus", str(corpus), "feeds", "add", url)
    assert code == 1 and out == "" and said in err
    assert err.startswith("wire: error: ") and err.count("\n") == 1 and "\x1b" not in err
    assert json.loads(wire(capsys, "--corpus", str(corpus), "feeds", "list", "--json")[1]) == {"feeds": []}


def test_a_fetch_writes_one_file_per_item_and_the_next_one_asks_conditionally(capsys, server, corpus):
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/ferries.rss"), "--name", "Gazette")
    own = (corpus / "own.md").read_bytes()
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    assert code == 0 and "Gazette  3 new of 3" in out and "3 new articles from 1 feed" in out
    written = files(corpus)
    assert len(written) == 3 and all(p.startswith("feeds/gazette/") and p.endswith(".json") for p in written)
    docs = [json.loads(b) for b in written.values()]
    assert {d["title"] for d in docs} == {"Ferry crews vote to strike over rosters",
                                          "Harbour wall repairs to close the promenade",
                                          "Lifeboat crew rescues two kayakers off the point"}
    strike = next(d for d in docs if d["guid"] == "gazette-2026-0311-ferry")
    assert strike["date"] == "2026-03-11" and strike["byline"] == "Ines Calloway"
    assert strike["outlet"] == "Harbour Gazette" and strike["tags"] == ["transport"]
    assert strike["text"].count("\n\n") == 2 and "412 of its 530 members" in strike["text"]
    assert (corpus / "own.md").read_bytes() == own and not list(corpus.rglob(".*"))  # no temporary left

    first = server.requests("/ferries.rss")[0].headers
    assert "if-none-match" not in first and "wire-reader" in first["user-agent"] and "gzip" in first["accept-encoding"]
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "fetch", "--json")
    report = json.loads(out)
    assert code == 0 and report["new"] == 0 and report["failed"] == 0
    assert [(f["name"], f["status"], f["new"]) for f in report["feeds"]] == [("Gazette", "unchanged", 0)]
    second = server.requests("/ferries.rss")[1].headers
    assert second["if-none-match"] == server.routes["/ferries.rss"].etag_value
    assert second["if-modified-since"] == server.routes["/ferries.rss"].modified
    assert files(corpus) == written

    listed = json.loads(wire(capsys, "--corpus", str(corpus), "feeds", "list", "--json")[1])["feeds"][0]
    assert listed["items_written"] == 3 and listed["last_error"] is None and listed["last_fetched"] > 0


def test_a_feed_that_gained_items_writes_only_the_new_ones(capsys, server, corpus):
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/ferries.rss"), "--name", "Gazette")
    wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    before = {p: (corpus / p).stat().st_mtime_ns for p in files(corpus)}
    server.put("/ferries.rss", (FEEDS / "ferries-more.rss").read_bytes())
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "fetch", "Gazette")
    assert code == 0 and "2 new of 5" in out
    after = files(corpus)
    assert len(after) == 5 and {p: (corpus / p).stat().st_mtime_ns for p in before} == before
    assert {json.loads(after[p])["title"] for p in after if p not in before} == {
        "Talks avert ferry strike at the last minute", "Fish market hours change for the season"}


def test_a_server_without_validators_is_read_again_and_nothing_comes_twice(capsys, server, corpus):
    server.put("/plain.rss", (FEEDS / "ferries.rss").read_bytes(), etag=False)
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/plain.rss"), "--name", "Plain")
    wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    written = files(corpus)
    assert server.requests("/plain.rss")[-1].headers.get("if-modified-since") is None
    wire(capsys, "--corpus", str(corpus), "feeds", "fetch")  # Last-Modified alone: a 304
    assert server.requests("/plain.rss")[-1].headers["if-modified-since"] == server.routes["/plain.rss"].modified
    server.routes["/plain.rss"].modified = "Thu, 01 Jan 2099 00:00:00 GMT"  # "changed": the whole feed again
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    assert code == 0 and "0 new of 3" in out and files(corpus) == written


def test_each_failing_feed_is_one_line_and_the_others_are_fetched(capsys, server, corpus, monkeypatch):
    monkeypatch.setenv("WIRE_FEED_TIMEOUT", "1")
    server.status("/broken", 500)
    server.stall("/slow")
    server.endless("/huge")
    server.put("/bomb.gz", b"<rss>" + b" " * (11 * 1024 * 1024) + b"</rss>", gzip=True)  # 11 KB on the wire
    server.redirect("/to-file", "file:///etc/passwd")
    server.redirect("/loop", "/loop2")
    server.redirect("/loop2", "/loop")
    server.put("/page", (FEEDS / "not-a-feed.html").read_bytes(), content_type="text/html")
    server.put("/laughs.rss", (FEEDS / "bomb.rss").read_bytes())
    server.routes["/garbage"] = lambda h: (h.send_response(200), h.end_headers(), h.wfile.write(os.urandom(3000)))
    dead = FeedServer()  # a port nothing listens on any more
    dead_url = dead.url("/gone.rss")
    dead.httpd.server_close()
    expected = {
        "broken": "HTTP 500", "slow": "timed out after 1 s", "huge": "too large", "bomb.gz": "too large",
        "to-file": "redirected to a file: address, refused", "loop": "redirected in a loop",
        "page": "not a feed", "laughs.rss": "declares entities", "garbage": "", "missing": "HTTP 404",
        "dead": "connection refused"}
    for name in expected:
        url = dead_url if name == "dead" else server.url(f"/{name}")
        assert wire(capsys, "--corpus", str(corpus), "feeds", "add", url, "--name", name)[0] == 0
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/ferries.rss"), "--name", "Gazette")
    code, out, err = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    assert code == 1 and "Traceback" not in out + err
    lines = dict(line.split(None, 1) for line in out.splitlines()[:-1])
    assert lines.pop("Gazette") == "3 new of 3" and len(files(corpus)) == 3
    for name, said in expected.items():
        assert lines[name].startswith("failed: ") and said in lines[name], (name, lines[name])
    assert out.splitlines()[-1] == f"3 new articles from {len(expected) + 1} feeds, {len(expected)} failed"

    report = json.loads(wire(capsys, "--corpus", str(corpus), "feeds", "fetch", "--json")[1])
    assert report["failed"] == len(expected) and report["new"] == 0
    assert all(f["error"] and "\n" not in f["error"] for f in report["feeds"] if f["name"] != "Gazette")
    listed = json.loads(wire(capsys, "--corpus", str(corpus), "feeds", "list", "--json")[1])["feeds"]
    assert {f["name"]: bool(f["last_error"]) for f in listed} == {**{n: True for n in expected}, "Gazette": False}


def test_text_from_the_server_reaches_the_terminal_inert(capsys, server, corpus):
    server.routes["/evil"] = lambda h: h.send_error(500, "\x1b]0;pwned\x07\x1b[2J\x9b31m")
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/evil"), "--name", "Evil")
    code, out, err = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    assert code == 1 and not {"\x1b", "\x07", "\x9b"} & set(out + err)
    assert "failed: HTTP 500 \\x1b]0;pwned" in out
    assert "\x1b" not in wire(capsys, "--corpus", str(corpus), "feeds", "list")[1]


def test_full_text_is_fetched_from_the_item_s_page_when_opted_in(capsys, server, corpus, tmp_path):
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/council.atom"), "--name", "Council",
         "--full-text")
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "fetch", "--json")
    assert code == 0 and json.loads(out)["new"] == 2
    skipped = json.loads(out)["feeds"][0]["skipped"]
    assert len(skipped) == 1 and "missing.html" in skipped[0]["path"] and "HTTP 404" in skipped[0]["reason"]
    docs = {d["title"]: d for d in map(json.loads, files(corpus).values())}
    budget = docs["Council sets a budget with a rise in parking fees"]["text"]
    assert "Marta Ruiz" in budget and "Council tax will rise by 2.9 per cent" in budget
    assert "Advertisement" not in budget and "Cookie settings" not in budget  # trafilatura's main text
    assert docs["Library opening hours under review"]["text"] == "The council asks readers what hours suit them."

    # Without the opt-in the summary is the text, and no page is asked for.
    other = tmp_path / "other"
    other.mkdir()
    pages = len(server.requests("/pages/budget.html"))
    wire(capsys, "--corpus", str(other), "feeds", "add", server.url("/council.atom"), "--name", "Council")
    wire(capsys, "--corpus", str(other), "feeds", "fetch")
    assert len(server.requests("/pages/budget.html")) == pages
    assert {json.loads(b)["text"] for b in files(other).values()} == {
        "Councillors approved next year's budget.", "The council asks readers what hours suit them."}


def test_fetched_items_are_read_by_search_and_show(capsys, server, corpus):
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/ferries.rss"), "--name", "Gazette")
    wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    hits = json.loads(wire(capsys, "--corpus", str(corpus), "search", "ferry", "rosters", "--json")[1])["hits"]
    assert [h["title"] for h in hits] == ["Ferry crews vote to strike over rosters"]
    assert hits[0]["id"].startswith("feeds/gazette/") and hits[0]["outlet"] == "Harbour Gazette"
    code, out, _ = wire(capsys, "--corpus", str(corpus), "show", hits[0]["id"])
    assert code == 0 and "Ferry crews vote to strike over rosters" in out and "Bayline" in out
    shown = json.loads(wire(capsys, "--corpus", str(corpus), "show", hits[0]["id"], "--json")[1])
    assert shown["url"] == "https://gazette.example/2026/03/ferry-strike-vote" and shown["date"] == "2026-03-11"


def test_a_file_in_the_way_is_never_replaced_and_delete_items_takes_only_wire_s(capsys, server, corpus):
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/ferries.rss"), "--name", "Gazette")
    wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    written = sorted(files(corpus))
    # The user's own files in the feed's folder, one of them under a name an item would take.
    squatter = corpus / written[0]
    squatter.write_text('{"text": "mine", "title": "Mine"}')
    mine = corpus / "feeds" / "gazette" / "notes.md"
    mine.write_text("my notes\n")
    cache = Locations.resolve().corpus_cache(corpus)
    (cache / "feeds.sqlite").unlink()  # the bookkeeping lost: the files alone keep items from coming twice
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    assert code == 0 and "0 new of 3" in out and squatter.read_text() == '{"text": "mine", "title": "Mine"}'

    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "remove", "Gazette", "--delete-items")
    assert code == 0 and "deleted its 2 article files" in out
    assert sorted(files(corpus)) == [written[0], "feeds/gazette/notes.md"]


def test_the_bundled_corpus_is_not_written(capsys, server):
    code, out, err = wire(capsys, "feeds", "add", server.url("/ferries.rss"))
    assert code == 1 and "bundled sample corpus" in err and err.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_corpus_is_said_in_one_line(capsys, server, corpus):
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/ferries.rss"))
    corpus.chmod(0o555)
    try:
        code, _, err = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    finally:
        corpus.chmod(0o755)
    assert code == 1 and "read-only" in err and err.count("\n") == 1


def test_no_feeds_and_unknown_names_are_one_line(capsys, server, corpus):
    code, _, err = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    assert code == 1 and err == "wire: error: no feeds yet for this corpus: wire feeds add URL\n"
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/ferries.rss"), "--name", "Gazette")
    code, _, err = wire(capsys, "--corpus", str(corpus), "feeds", "fetch", "Nope")
    assert code == 1 and "no feed named or at 'Nope' (feeds: Gazette)" in err


def test_gzip_is_accepted(capsys, server, corpus):
    server.put("/zipped.rss", (FEEDS / "ferries.rss").read_bytes(), gzip=True)
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/zipped.rss"), "--name", "Zipped")
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    assert code == 0 and "3 new of 3" in out and len(files(corpus)) == 3


def test_an_item_the_user_deleted_does_not_come_back(capsys, server, corpus):
    wire(capsys, "--corpus", str(corpus), "feeds", "add", server.url("/ferries.rss"), "--name", "Gazette")
    wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    gone = sorted(files(corpus))[0]
    (corpus / gone).unlink()
    server.put("/ferries.rss", (FEEDS / "ferries-more.rss").read_bytes())  # read again in full: a 200
    code, out, _ = wire(capsys, "--corpus", str(corpus), "feeds", "fetch")
    assert code == 0 and "2 new of 5" in out and gone not in files(corpus) and len(files(corpus)) == 4


def test_ctrl_c_during_a_fetch_from_a_stalled_server_exits_at_once(server, corpus, home):
    import signal
    import subprocess
    import sys
    import time

    server.stall("/stalled.rss")
    env = {**os.environ, "WIRE_HOME": str(home)}
    command = [sys.executable, "-m", "reader", "--corpus", str(corpus), "feeds"]
    assert subprocess.run([*command, "add", server.url("/stalled.rss")], env=env, capture_output=True).returncode == 0
    # Its own process group, signalled as a whole, as a terminal's Ctrl-C is.
    child = subprocess.Popen([*command, "fetch"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not server.requests("/stalled.rss") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.requests("/stalled.rss"), "the fetch never reached the server"
        time.sleep(0.2)
        sent = time.monotonic()
        os.killpg(child.pid, signal.SIGINT)
        out, err = child.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130 and err == "wire: interrupted\n" and out == ""
    assert took < 2.0, took  # the server would have held it for the whole 15 s timeout


@pytest.mark.parametrize("value, said", [("2", "5 to 10080, not 2"), ("true", "must be a whole number"),
                                         ("'30'", "must be a whole number"), ("99999", "not 99999")])
def test_feeds_every_is_checked_with_its_line(tmp_path, value, said):
    from reader.config import load_config
    from reader.errors import WireError

    config = tmp_path / "config.yaml"
    config.write_text(f"watch: true\nfeeds_every: {value}\n")
    with pytest.raises(WireError) as raised:
        load_config(config, config)
    assert str(raised.value).startswith(f"{config}:2: 'feeds_every'") and said in str(raised.value)
    config.write_text("feeds_every: 30\n")
    assert load_config(config, config).feeds_every == 30
