"""Hostile corpus files for robustness tests: odd encodings, sizes, structures, YAML/JSON types, names, file types."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["KINDS", "make", "GOOD", "GOOD_WORDS", "make_good", "LONG_TEXT_KINDS"]

_LEDE = "The council met on Tuesday to discuss the harbour budget and the new ferry timetable."
_BODY = (f"{_LEDE}\n\nOfficials said the plan would be reviewed in March.\n\n"
         "Residents asked for more buses on the coastal route.\n")


def _md(front: str, body: str = _BODY) -> bytes:
    return f"---\n{front}\n---\n{body}".encode()


def _write(name: str | bytes, data: bytes) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        target = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else os.fsencode(name))
        with open(target, "wb") as fh:
            fh.write(data)
    return write


def _jsonl(name: str, *records) -> Callable[[Path], None]:
    lines = [r if isinstance(r, str | bytes) else json.dumps(r) for r in records]
    data = b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines) + b"\n"
    return _write(name, data)


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")


def _socket(folder: Path) -> None:
    # A bound Unix socket leaves its file behind once closed. Socket paths are limited to ~107 bytes,
    # so bind from inside the folder with a relative name.
    here = os.getcwd()
    try:
        os.chdir(folder)
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind("sock.txt")
    finally:
        os.chdir(here)


def _symlink(name: str, target: str) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        os.symlink(target, folder / name)
    return write


def _symlink_loop(folder: Path) -> None:
    os.symlink("loop-b.txt", folder / "loop-a.txt")
    os.symlink("loop-a.txt", folder / "loop-b.txt")


def _dir_named_txt(folder: Path) -> None:
    (folder / "folder.txt").mkdir()
    (folder / "folder.md").mkdir()


def _unreadable(folder: Path) -> None:
    # As root, chmod 000 is still readable: the file is then indexed, which is right too.
    path = folder / "secret.txt"
    path.write_bytes(_BODY.encode())
    path.chmod(0)


def _alias_bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{','.join('*' + prev for _ in range(9))}]")
    lines.append("title: *j")
    lines.append("tags: *j")
    return _md("\n".join(lines))


def _many_paragraphs() -> bytes:
    return ("\n\n".join(f"Line {i % 500} of the notice." for i in range(200_000)) + "\n").encode()


def _many_lines() -> bytes:
    return ("\n".join(f"row {i % 400} value {i % 7}" for i in range(200_000)) + "\n").encode()


def _long_words(n_chars: int) -> str:
    """Plain English-like text of about n_chars characters, in paragraphs, with names for NER."""
    sentence = ("Mayor Alice Brennan of Portland told Reuters the harbour works would finish in May. ")
    para = sentence * 12
    return "\n\n".join(para for _ in range(n_chars // len(para) + 1))


def _laughs(root: str) -> bytes:
    """A billion-laughs document: ten entities, each ten of the one before (10^9 "lol"s when expanded)."""
    lines = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(lines) + f"\n]>\n"
            f"<{root}><title>&lol9;</title><p>&lol9;</p></{root}>\n").encode()


def _external(root: str, body: str) -> bytes:
    """A document whose entity is a local file: its text must never reach an article."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            f"{body}\n").encode()


_RSS_XXE = ("<rss version=\"2.0\"><channel><title>Leak</title><item><title>&xxe;</title><guid>x1</guid>"
            "<description>Secret: &xxe;</description></item></channel></rss>")


def _gzip_bomb() -> bytes:
    """200 KB of gzip that unpacks to 1 GB of zeros, written in chunks (never 1 GB in memory)."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(16 * 2**20)
    return b"".join(packer.compress(zeros) for _ in range(64)) + packer.flush()


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


_HTML_DEEP = ("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>").encode()


KINDS: dict[str, Callable[[Path], None]] = {
    # --- encodings --------------------------------------------------------------------------
    "utf16_bom_txt": _write("utf16-bom.txt", _BODY.encode("utf-16")),
    "utf16_nobom_txt": _write("utf16-nobom.txt", _BODY.encode("utf-16-le")),
    "utf16be_bom_md": _write("utf16be.md", ("\ufeff" + _md("title: Wide").decode()).encode("utf-16-be")),
    "latin1_txt": _write("latin1.txt", "Caf\u00e9 owners in S\u00e3o Paulo met the mayor.\n".encode("latin-1")),
    "broken_utf8_txt": _write("broken.txt", b"Half a character \xe2\x82 and a stray \xff byte in text.\n"),
    "nul_bytes_txt": _write("nul.txt", b"Text with\x00NUL\x00bytes inside it.\n"),
    "nul_late_txt": _write("nul-late.txt", b"word " * 2000 + b"\x00 late NUL\n"),
    "bom_only_txt": _write("bom-only.txt", b"\xef\xbb\xbf"),
    "cr_only_txt": _write("cr-only.txt", _BODY.replace("\n", "\r").encode()),
    "control_chars_txt": _write("controls.txt", "Bell \x07 escape \x1b[31m red \u202e reversed \u061c.\n".encode()),
    # --- sizes ------------------------------------------------------------------------------
    "empty_txt": _write("empty.txt", b""),
    "empty_md": _write("empty.md", b""),
    "empty_jsonl": _write("empty.jsonl", b""),
    "whitespace_md": _write("blank.md", b"   \n\n\t\n"),
    "huge_line_txt": _write("huge-line.txt", b"x" * 2_000_000 + b"\n"),
    "many_paragraphs_txt": _write("many-paragraphs.txt", _many_paragraphs()),
    "many_lines_txt": _write("many-lines.txt", _many_lines()),
    "huge_jsonl_line": _jsonl("huge.jsonl", {"id": "big", "title": "Big", "text": _long_words(10_000_000)}),
    "long_text_md": _write("long-text.md", _md("title: Long", _long_words(1_500_000))),
    "names_after_long_line_md": _write("names-late.md", _md(
        "title: Late names", "x" * 1_200_000 + "\n\nMayor Alice Brennan of Portland told Reuters on Monday.\n")),
    # --- structure --------------------------------------------------------------------------
    "fm_unterminated_md": _write("unterminated.md", b"---\ntitle: Never closed\ndate: 2026-01-01\n\nBody text here.\n"),
    "fm_only_md": _write("front-only.md", b"---\ntitle: Only front matter\n---\n"),
    "fm_nested_md": _write("nested-front.md", _md("title: Outer", "---\ntitle: Inner\n---\n" + _BODY)),
    "markdown_only_md": _write("markup.md", b"# \n\n---\n\n***\n\n> \n\n- \n"),
    "fm_not_mapping_md": _write("fm-list.md", _md("- one\n- two")),
    "fm_invalid_yaml_md": _write("fm-invalid.md", _md("title: [unclosed\ndate: : :")),
    # --- YAML types and tags ----------------------------------------------------------------
    "fm_date_feb30_md": _write("feb30.md", _md("title: Feb 30\ndate: 2026-02-30")),
    "fm_date_month13_md": _write("month13.md", _md("title: Month 13\ndate: 2026-13-01")),
    "fm_float_tag_md": _write("float-tag.md", _md("title: !!float abc")),
    "fm_timestamp_tag_md": _write("timestamp-tag.md", _md("title: Stamp\ndate: !!timestamp not-a-date")),
    "fm_python_object_md": _write("python-object.md", _md("title: !!python/object/apply:os.system [echo hi]")),
    "fm_alias_bomb_md": _write("alias-bomb.md", _alias_bomb()),
    "fm_wrong_types_md": _write("wrong-types.md", _md(
        "title: [a, b]\noutlet: {x: 1}\nbyline: 42\nurl: [1]\ntags: [{a: 1}, [2], three]\ndate: [2026-01-01]")),
    "fm_huge_int_md": _write("huge-int.md", _md("title: " + "9" * 5000)),
    "fm_nan_md": _write("nan.md", _md("title: .nan\noutlet: .inf\ndate: -.inf")),
    "fm_deep_md": _write("deep.md", _md("title: " + "[" * 10_000 + "]" * 10_000)),
    "fm_binary_md": _write("binary-tag.md", _md("title: !!binary '%%%notbase64'")),
    "fm_huge_front_md": _write("huge-front.md", _md("title: Big front\nnote: " + "y" * 3_000_000)),
    # --- JSON types -------------------------------------------------------------------------
    "jsonl_surrogate": _jsonl("surrogate.jsonl", '{"id": "s1", "title": "Lone \\ud800", "text": "Text \\udfff here."}'),
    "jsonl_deep": _jsonl("deep.jsonl", "[" * 10_000 + "]" * 10_000,
                         '{"text": "ok", "x": ' + "[" * 10_000 + "]" * 10_000 + "}"),
    "jsonl_nan": _jsonl("nan.jsonl", '{"id": "n", "title": NaN, "date": Infinity, "text": "Not a number day."}'),
    "jsonl_huge_int": _jsonl("huge-int.jsonl", '{"id": 1, "title": ' + "9" * 5000 + ', "text": "Huge."}',
                             '{"id": ' + "7" * 5000 + ', "text": "Huge id."}'),
    "jsonl_duplicate_ids": _jsonl("dupes.jsonl", {"id": "same", "text": "First copy."},
                                  {"id": "same", "text": "Second copy."}, {"id": "same", "text": "Third."}),
    "jsonl_bad_ids": _jsonl("bad-ids.jsonl", {"id": "a/b/../c", "text": "Slashes."},
                            {"id": "x#y#z", "text": "Hashes."}, {"id": "new\nline\r", "text": "Newline."},
                            {"id": "bell\x07\x1b[2J", "text": "Controls."}, {"id": {"k": 1}, "text": "Dict id."},
                            {"id": "i" * 5000, "text": "Long id."}, {"id": " ", "text": "Blank id."}),
    "jsonl_wrong_types": _jsonl("types.jsonl", {"text": ["a", "b"]}, {"text": "ok", "title": {"a": 1}},
                                {"text": "tags", "tags": 5}, {"text": "tags2", "tags": [{"a": 1}, None, 3]},
                                [1, 2, 3], 42, "null", '"just a string"', {"text": None}),
    "jsonl_invalid_lines": _jsonl("invalid.jsonl", "{not json", b"\xff\xfe\x00", "{}", '{"text": "fine line."}'),
    "jsonl_bad_dates": _jsonl("dates.jsonl", {"text": "a", "date": "2026-02-30"}, {"text": "b", "date": "9999-99-99"},
                              {"text": "c", "date": 1e300}, {"text": "d", "date": "0000-01-01"}),
    "jsonl_crlf_bom": _write("crlf.jsonl", b'\xef\xbb\xbf{"text": "Windows line."}\r\n{"text": "Second."}\r\n'),
    # --- news formats: XML, feeds, pages, mail, tables, compression ---------------------------
    "xml_billion_laughs": _write("laughs.xml", _laughs("nitf")),
    "rss_billion_laughs": _write("laughs.rss", _laughs("rss")),
    "xml_external_entity": _write("xxe.xml", _external("nitf", "<nitf><body><body.content><p>&xxe;</p>"
                                                              "</body.content></body></nitf>")),
    "rss_external_entity": _write("xxe.rss", _external("rss", _RSS_XXE)),
    "atom_external_parameter_entity": _write("xxe.atom", b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY % p '
                                             b'SYSTEM "file:///etc/passwd"> %p;]>\n<feed xmlns="http://www.w3.org/'
                                             b'2005/Atom"><title>t</title></feed>\n'),
    "xml_external_dtd": _write("dtd.xml", b'<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "file:///etc/passwd">\n'
                               b"<nitf><body><body.content><p>The dtd is never read.</p></body.content></body></nitf>"),
    "rss_external_dtd": _write("dtd.rss", b'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "file:///etc/passwd">\n'
                               b"<rss><channel><title>T</title><item><title>Item</title><guid>d1</guid>"
                               b"<description>The dtd is never read.</description></item></channel></rss>"),
    "xml_not_well_formed": _write("broken.xml", b'<?xml version="1.0"?>\n<nitf><body><p>Unclosed'),
    "xml_unknown_root": _write("catalog.xml", b'<?xml version="1.0"?>\n<catalog><book>Not news</book></catalog>\n'),
    "xml_not_xml": _write("plain.xml", b"Just words in a file named .xml\n"),
    "newsml_no_text": _write("picture.xml", b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g" '
                             b'version="1"><itemMeta><itemClass qcode="ninat:picture"/></itemMeta></newsItem>'),
    "newsml_bad_version": _write("badversion.newsml", b'<newsItem guid="g2" version="x&#10;y"><contentMeta><headline>'
                                 b'H</headline></contentMeta><contentSet><inlineXML><p>Text.</p></inlineXML>'
                                 b'</contentSet></newsItem>'),
    "rss_malformed": _write("malformed.rss", b"<rss><channel><title>Half a feed<item><title>Oops"),
    "rss_no_items": _write("empty.rss", b'<?xml version="1.0"?><rss version="2.0"><channel><title>None'
                           b'</title></channel></rss>'),
    "feed_binary": _write("binary.atom", bytes(range(256)) * 8),
    "html_binary": _write("binary.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16),
    "html_empty": _write("empty.html", b""),
    "html_nav_only": _write("nav.html", b"<html><body><nav><a href='/'>Home</a><a href='/x'>News</a></nav>"
                            b"</body></html>"),
    "html_deep": _write("deep.html", _HTML_DEEP),
    "html_script_only": _write("script.html", b"<html><head><script>" + b"var a=1;" * 50_000 + b"</script></head>"
                               b"<body></body></html>"),
    "eml_not_mail": _write("junk.eml", bytes(range(1, 256)) * 4),
    "eml_bad_headers": _write("bad.eml", b"From: =?x-unknown?q?=ZZ?=\nDate: not a date\nSubject: =?utf-8?b?!!!?=\n"
                              b"Content-Type: text/plain; charset=x-no-such-charset\n"
                              b"Content-Transfer-Encoding: base64\n\n%%%not base64%%%\n"),
    "csv_no_text_column": _write("no-text.csv", b"a,b,c\n1,2,3\n"),
    "csv_broken_quotes": _write("quotes.csv", b'text,title\n"never closed,T\n"x""y",z\n'),
    "csv_huge_cell": _write("huge-cell.csv", b"text,title\n" + b"w " * 400_000 + b",Big\n"),
    "json_not_articles": _write("numbers.json", b"[1, 2, 3, {\"no\": \"text\"}]"),
    "json_invalid": _write("invalid.json", b"{\"text\": \"unterminated"),
    "json_deep": _write("deep.json", b"[" * 100_000 + b"]" * 100_000),
    "gzip_bomb": _write("bomb.txt.gz", _gzip_bomb()),
    "gzip_truncated": _write("truncated.txt.gz", _gzip(_BODY.encode() * 50)[:60]),
    "gzip_corrupt": _write("corrupt.jsonl.gz", b"\x1f\x8b\x08\x00" + bytes(range(200))),
    "gzip_nested": _write("twice.txt.gz.gz", _gzip(_gzip(_BODY.encode()))),
    "gzip_unknown_inner": _write("archive.tar.gz", _gzip(b"not a tar")),
    "gzip_not_gzip": _write("fake.md.gz", _md("title: Not compressed")),
    # --- names ------------------------------------------------------------------------------
    "name_non_utf8": _write(b"caf\xe9-\xff.txt", _BODY.encode()),
    "name_newline": _write("two\nlines.txt", _BODY.encode()),
    "name_control": _write("bell\x07\x1b[2J.txt", _BODY.encode()),
    "name_long": _write("n" * 240 + ".txt", _BODY.encode()),
    "name_leading_dash": _write("-rf.txt", _BODY.encode()),
    "name_readme": _write("README.md", b"# About this folder\n\nNotes for whoever keeps it.\n"),
    "name_hash": _write("a#1.txt", _BODY.encode()),
    "name_unicode": _write("\u00fcn\u00efcode \u540d\u524d.md", _md("title: Unicode name")),
    "name_no_suffix": _write("noext", _BODY.encode()),
    "name_upper_suffix": _write("UPPER.TXT", _BODY.encode()),
    # --- file types -------------------------------------------------------------------------
    "fifo": _fifo,
    "socket": _socket,
    "dangling_symlink": _symlink("dangling.txt", "does-not-exist.txt"),
    "symlink_loop": _symlink_loop,
    "symlink_dev_zero": _symlink("zero.txt", "/dev/zero"),
    "symlink_dir": _symlink("linked-dir", "/"),
    "dir_named_txt": _dir_named_txt,
    "unreadable": _unreadable,
}

LONG_TEXT_KINDS = ("huge_line_txt", "many_paragraphs_txt", "huge_jsonl_line", "long_text_md",
                   "names_after_long_line_md")
"""Kinds whose text is longer than spaCy takes at once (1,000,000 characters): NER cuts it into chunks."""

GOOD = {
    "good-a.txt": " date 2026-02-02 By Dana Ruiz, Coast News\nThe zephyrquill ferry left the harbour at dawn.\n\n"
                  "Passengers praised the crew.\n",
    "good-b.md": "---\ntitle: Lanterns along the quay\ndate: 2026-02-03\noutlet: Harbour Herald\n---\n"
                 "Volunteers hung marrowlight lanterns along the quay on Friday.\n\nThe festival runs all week.\n",
    "sub/good-c.txt": "Farmers in the valley reported a bumper crop of quinceberry this season.\n",
    "good-d.jsonl": json.dumps({"id": "d1", "title": "Tram line", "text": "The tramwhistle line opened today."}) + "\n"
                    + json.dumps({"id": "d2", "title": "Bridge", "text": "Engineers checked the gloamspan bridge."})
                    + "\n",
}
"""Good articles to sit beside the hostile files, and a word unique to each (searchable, by id)."""
GOOD_WORDS = {"good-a.txt": "zephyrquill", "good-b.md": "marrowlight", "sub/good-c.txt": "quinceberry",
              "good-d.jsonl#d1": "tramwhistle", "good-d.jsonl#d2": "gloamspan"}


def make_good(folder: Path) -> dict[str, str]:
    """Write the good articles; returns article id -> a word found only in it."""
    for rel, text in GOOD.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dict(GOOD_WORDS)


def make(folder: Path, kinds: Iterable[str] | None = None) -> list[str]:
    """Write each kind's file(s) into `folder` (all kinds by default); returns the kinds written.

    A kind the platform cannot make (a socket where AF_UNIX is missing) is left out of the result.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in (KINDS if kinds is None else kinds):
        try:
            KINDS[kind](folder)
        except (OSError, AttributeError):
            continue
        written.append(kind)
    return written
