"""Reuters-21578 SGML reader, and a converter that writes it out as a wire-reader corpus folder."""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "reuters21578"

_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()


def _tag(name: str, block: str) -> str:
    match = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", block, re.S)
    return match.group(1) if match else ""


def _clean(text: str) -> str:
    # &#3; and friends are control characters from the wire; drop them, then unescape SGML entities.
    text = re.sub(r"&#\d+;", "", text)
    return html.unescape(text)


def _date(raw: str) -> str | None:
    match = re.match(r"\s*(\d{1,2})-([A-Z]{3})-(\d{4})", raw)
    if not match or match.group(2) not in _MONTHS:
        return None
    return f"{match.group(3)}-{_MONTHS.index(match.group(2)) + 1:02d}-{int(match.group(1)):02d}"


def require(path: Path) -> Path:
    """Exit with a clear message when the data set is not there."""
    if not (path / "reut2-000.sgm").is_file():
        sys.exit(f"Reuters-21578 not found at {path} (expected reut2-000.sgm …); pass its folder with --reuters")
    return path


def read(path: Path = DEFAULT) -> Iterator[dict]:
    """Every story: {id, title, date, dateline, body} (body may be empty for BRIEF stories)."""
    for sgm in sorted(require(path).glob("reut2-*.sgm")):
        data = sgm.read_bytes().decode("latin-1")  # one stray byte above 0x7F: latin-1, as the README says
        for attrs, block in _DOC.findall(data):
            text = _tag("TEXT", block)
            body = _tag("BODY", text)
            if not body and not _tag("TITLE", text):
                body = re.sub(r"<[^>]+>", " ", text)  # UNPROC stories: the text itself
            yield {
                "id": _NEWID.search(attrs).group(1),
                "title": " ".join(_clean(_tag("TITLE", text)).split()),
                "date": _date(_tag("DATE", block)),
                "dateline": " ".join(_clean(_tag("DATELINE", text)).split()),
                "body": _clean(body).replace(" Reuter\n", "\nReuter\n"),
            }


def write_corpus(dest: Path, source: Path = DEFAULT, limit: int | None = None) -> int:
    """Write one Markdown file with front matter per story (sharded in folders of 1,000)."""
    count = 0
    for story in read(source):
        if limit is not None and count >= limit:
            break
        if not (story["body"].strip() or story["title"]):
            continue
        folder = dest / f"{int(story['id']) // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"title": story["title"] or None, "date": story["date"], "outlet": "Reuters"}
        front = yaml.safe_dump({k: v for k, v in meta.items() if v}, allow_unicode=True, sort_keys=False)
        body = story["body"].strip() or story["title"]
        (folder / f"{story['id']}.md").write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dest", type=Path, help="folder to write the corpus into")
    parser.add_argument("--reuters", type=Path, default=DEFAULT, help=f"Reuters-21578 folder (default {DEFAULT})")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    print(f"wrote {write_corpus(args.dest, args.reuters, args.limit)} articles to {args.dest}")


if __name__ == "__main__":
    main()
