"""Output of the `wire` commands: JSON for scripts, and readable text (tables and diffs sized to the
terminal, text made inert)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from collections.abc import Iterable

from reader.models import Article, Entity, Family, Hit, Overlap, version_label
from reader.searches import SavedSearch
from reader.textsafe import cell_width, inert, json_inert
from reader.textsafe import fit as _fit
from reader.textsafe import pad as _pad


def print_json(obj: dict) -> None:
    """One JSON document on stdout, as DESIGN.md's contract writes it (UTF-8 kept, indented); controls
    and bidi characters JSON would leave raw are written as escapes (the same value, inert on a terminal)."""
    sys.stdout.write(json_inert(json.dumps(obj, ensure_ascii=False, indent=2)) + "\n")


def print_json_lists(obj: dict[str, Iterable]) -> None:
    """`print_json` of an object whose values are lists, written one item at a time: the same bytes, without
    the whole document in memory (`wire overlaps` at 100,000 articles: 507,992 pairs, 400 MB of it)."""
    write = sys.stdout.write
    write("{")
    for n, (key, items) in enumerate(obj.items()):
        write(("," if n else "") + "\n  " + json_inert(json.dumps(key, ensure_ascii=False)) + ": [")
        empty = True
        for item in items:
            text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            write(("\n    " if empty else ",\n    ") + json_inert(text))
            empty = False
        write("]" if empty else "\n  ]")
    write("\n}\n" if obj else "}\n")


def print_json_line(obj: dict) -> None:
    """One JSON object on one line (a stream of them: `wire watch --json`), flushed at once."""
    sys.stdout.write(json_inert(json.dumps(obj, ensure_ascii=False)) + "\n")
    sys.stdout.flush()


COLOR_CHOICES = ("auto", "always", "never")


def color_wanted(args=None, stream=None, environ=None) -> bool:
    """Whether readable output may carry colour and bold (ANSI escapes).

    `--color always|never` decides; with `auto` (the default) NO_COLOR (no-color.org: set and not
    empty) turns it off, FORCE_COLOR (set, not empty and not 0) turns it on even in a pipe, and
    otherwise it is on for a terminal that is not `TERM=dumb`.
    """
    choice = getattr(args, "color", None) or "auto"
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty() and env.get("TERM") != "dumb"


def _width() -> int:
    return max(40, shutil.get_terminal_size((100, 24)).columns)


_OPEN, _CLOSE = "\ue000", "\ue001"


def _marked(hit: Hit, width: int, color: bool) -> list[str]:
    """The snippet wrapped to `width`, matched words emphasised: bold with colour on, else *stars*.

    Sentinels mark the words while wrapping (one column each, like a star) and are replaced after.
    """
    out, pos = [], 0
    for start, end in hit.marks:
        out += [inert(hit.snippet[pos:start]), _OPEN, inert(hit.snippet[start:end]), _CLOSE]
        pos = end
    out.append(inert(hit.snippet[pos:]))
    on, off = ("\033[1m", "\033[0m") if color else ("*", "*")
    lines = textwrap.wrap(" ".join("".join(out).split()), width)
    return [line.replace(_OPEN, on).replace(_CLOSE, off) for line in lines]


def print_hits(result, color: bool) -> None:
    width = _width()
    if result.notice:
        print(f"note: {result.notice}", file=sys.stderr)
    if not result.hits:
        print(f"no articles match {result.query!r}")
        return
    outlet_w = min(18, max(6, *(cell_width(h.outlet or "") for h in result.hits)))
    title_w = max(10, width - 4 - 11 - outlet_w - 3)
    for n, hit in enumerate(result.hits, start=1):
        print(f"{n:>3} {hit_line(hit, outlet_w, title_w)}")
        print(f"    {_fit(inert(hit.id), width - 4)}")
        for line in _marked(hit, width - 6, color)[:3]:
            print(f"      {line}")
    shown = len(result.hits)
    print(f"{shown} of {result.total} article{'s' if result.total != 1 else ''}")


def hit_line(hit, outlet_w: int = 18, title_w: int = 60) -> str:
    """A hit's (or an ArticleRow's) line: date, outlet and title in columns, made inert."""
    outlet = _pad(_fit(inert(hit.outlet or "-"), outlet_w), outlet_w)
    return f"{hit.date or '—':<10} {outlet}  {_fit(inert(hit.title), title_w)}"


def print_article(article: Article, boilerplate: bool, tags: list[str] | None = None,
                  note: str | None = None) -> None:
    """The article as `wire show` prints it; the user's tags and note (if any) after the header."""
    width = min(_width(), 100)
    print(textwrap.fill(inert(article.title), width))
    meta = " · ".join(inert(x) for x in (article.outlet, article.byline, article.date) if x)
    print(meta or "(no metadata)")
    print(inert(article.id))
    if article.version_label:  # agency copy: an update of a story says so, and names the key its versions share
        print(inert(article.version_label))
    if article.url:
        print(inert(article.url))
    if tags:
        print(textwrap.fill("tags: " + ", ".join(inert(t) for t in tags), width, subsequent_indent="      "))
    if note:
        print_note(note, width)
    for p in article.paragraphs:
        if p.boilerplate and not boilerplate:
            continue
        print()
        prefix = "│ " if p.boilerplate else ""
        for row in p.text.split("\n"):  # rows of a table keep their breaks (see split_paragraphs)
            for line in textwrap.wrap(inert(row), width - len(prefix)):
                print(prefix + line)


def print_note(note: str, width: int | None = None) -> None:
    """A note, its own line breaks kept, wrapped under a `note:` label."""
    width = width or min(_width(), 100)
    label = "note: "
    for line in note.split("\n"):
        wrapped = textwrap.wrap(inert(line), width - len(label)) or [""]
        for part in wrapped:
            print((label + part).rstrip())
            label = " " * len(label)


def print_entities(entities: list[Entity]) -> None:
    if not entities:
        print("no entities yet")
        return
    width = _width()
    name_w = min(32, max(len(e.name) for e in entities))
    print(_fit(f"{'articles':>8} {'mentions':>8}  {'type':<12} {'name':<{name_w}}  aliases", width))
    for e in entities:
        aliases = ", ".join(a for a in e.aliases if a != e.name)
        name = _pad(_fit(inert(e.name), name_w), name_w)
        line = f"{e.articles:>8} {e.mentions:>8}  {e.type:<12} {name}  {inert(aliases)}"
        print(_fit(line, width))


def print_explanation(explained: dict) -> None:
    """`wire entities --explain NAME`: the entity, its forms, and the evidence that joined them."""
    width = _width()
    e = explained["entity"]
    print(_fit(f"{inert(e['name'])}  ({e['type']}, {e['articles']} articles, {e['mentions']} mentions)", width))
    print(_fit("forms: " + ", ".join(f"{inert(f['form'])} ×{f['mentions']}" for f in explained["forms"]), width))
    if explained["written_alike"] or explained["evidence"]:
        print("why they are one entity:")
    for group in explained["written_alike"]:
        print(_fit("  one name, case, dots, titles, company forms and known places aside:", width))
        print(_fit("      " + ", ".join(map(inert, group)), width))
    for ev in explained["evidence"]:
        print(_fit(f"  {inert(ev['form'])} -> {inert(ev['joined'])}: {ev['why']}", width))
        where = f"{ev['times']}×" + (f", e.g. {', '.join(map(inert, ev['articles']))}" if ev["articles"] else "")
        print(_fit(f"      {where}", width))
    if explained.get("apart"):
        print(_fit("kept apart by your aliases.yaml from: " + ", ".join(map(inert, explained["apart"])), width))
    print(_fit("wrong? rename, hide, merge or keep apart in aliases.yaml", width))


def print_searches(found: list[SavedSearch]) -> None:
    if not found:
        print("no saved searches (save one: wire searches --save NAME QUERY)")
        return
    width = _width()
    name_w = min(24, max(len(s.name) for s in found))
    print(_fit(f"{'total':>7} {'unread':>7}  {'name':<{name_w}}  query", width))
    for s in found:
        name = _pad(_fit(inert(s.name), name_w), name_w)
        print(_fit(f"{s.total:>7} {s.unread:>7}  {name}  {inert(s.query)}", width))


def print_overlaps(pairs: list[Overlap], families: list[Family]) -> None:
    if not pairs:
        print("no overlapping articles")
        return
    width = _width()
    # 39 columns before the ids, one between them: the two ids share the rest. "copy" names the side the
    # label speaks of (its share is the one that decides it).
    id_w = max(8, (width - 40) // 2)
    b_w = max(8, width - 40 - id_w)
    print(f"{'label':<9} {'copy':<4} {'share a':>7} {'share b':>7} {'words':>6}  {'a':<{id_w}} b")
    for p in pairs:
        print(f"{p.label:<9} {p.derived or '?':<4} {p.share_a:>7.0%} {p.share_b:>7.0%} {p.shared_words:>6}  "
              f"{_pad(_fit(inert(p.a), id_w), id_w)} {_fit(inert(p.b), b_w)}")
    print()
    for n, family in enumerate(families, start=1):
        original = (f"original {inert(family.original)}" if family.original
                    else "original unknown (dates tie or are missing)")
        print(textwrap.fill(f"family {n}: {len(family.articles)} articles, {original}", width,
                            subsequent_indent="  "))
        for member in family.articles:
            label = version_label(*family.versions[member]) if member in family.versions else None
            print(f"  {_fit(inert(member + (f'  ({label})' if label else '')), width - 2)}")


# Run kinds of reader/overlap/render.py to ANSI: the CLI's one mapping (the app's is WireDiffView's
# component classes). Colour only adds to the symbols and marks, which read without it.
_STYLE = {"flag": "\033[35;1m", "del": "\033[31;9m", "ins": "\033[32;1m", "a_only": "\033[33m", "b_only": "\033[36m",
          "header": "\033[1m", "gutter": "\033[2m"}


def pair_summary(overlap) -> str:
    """The label and the shares in one line, the copy's share first: the one the label speaks of."""
    copy = overlap.derived or ("a" if overlap.share_a >= overlap.share_b else "b")
    source = "b" if copy == "a" else "a"
    shares = {"a": overlap.share_a, "b": overlap.share_b}
    if overlap.label == "non":
        return (f"not derived: {shares['a']:.0%} of a and {shares['b']:.0%} of b aligned "
                f"({overlap.shared_words} words)")
    return (f"{overlap.label} derived: {copy} copies {source}, {shares[copy]:.0%} of {copy} reused "
            f"({shares[source]:.0%} of {source}; {overlap.shared_words} words)")


def print_diff(comparison, title_a: str, title_b: str, color: bool,
               names: tuple[list[Entity], list[Entity]] = ([], [])) -> None:
    """Side by side from 100 columns, unified below; colour when `color` (see color_wanted), symbols always.

    `names`: the entities only a mentions and only b mentions (a copy's dropped and added names).
    """
    from reader.overlap.render import legend, render  # only `wire diff` needs the overlap module

    overlap, width = comparison.overlap, _width()
    print(textwrap.fill(pair_summary(overlap), width, subsequent_indent="  "))
    for side, found in zip("ab", names, strict=True):
        if found:
            listed = ", ".join(inert(e.name) for e in found)
            print(textwrap.fill(f"names only in {side}: {listed}", width, subsequent_indent="  "))
    for text in legend("a", "b"):  # the app's diff shows the same two lines
        print(textwrap.fill(text, width, subsequent_indent="  "))
    for line in render(comparison.alignment, width=width, title_a=title_a, title_b=title_b):
        if color:
            print("".join(f"{_STYLE[k]}{t}\033[0m" if k in _STYLE else t for k, t in line))
        else:
            print("".join(t for _, t in line))
