"""Entity layer benchmark: CoNLL-2003 mention P/R/F1, ECB+ alias-merging pairwise P/R/F1, NER throughput,
and the hand-checked Reuters-21578 entity list (bench/reuters_entity_check.py)."""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reader.entities import corpus_mentions, ner  # noqa: E402 — after the sys.path line, to run as a script
from reader.entities.aliases import EntityTable  # noqa: E402
from reader.entities.corpus import propagate  # noqa: E402
from reader.entities.pipeline import annotate, tag_texts  # noqa: E402
from reader.models import Article, Paragraph  # noqa: E402

CONLL_TYPES = {"PER": "person", "ORG": "organization", "LOC": "place"}


# --- CoNLL-2003 ---------------------------------------------------------------------------------

def read_conll(path: Path, limit: int | None) -> list[tuple[str, set]]:
    """Documents as (text, gold spans): tokens joined by spaces, sentences by newlines."""
    docs, sentences, sentence = [], [], []

    def close_doc():
        if sentence:
            sentences.append(list(sentence))
            sentence.clear()
        if sentences:
            docs.append(_conll_doc(sentences))
            sentences.clear()

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if sentence:
                    sentences.append(list(sentence))
                    sentence.clear()
            elif parts[0] == "-DOCSTART-":
                close_doc()
                if limit and len(docs) >= limit:
                    return docs
            else:
                sentence.append((parts[0], parts[-1]))
    close_doc()
    return docs[:limit] if limit else docs


def _conll_doc(sentences: list[list[tuple[str, str]]]) -> tuple[str, set]:
    pieces, gold, pos = [], set(), 0
    for sent in sentences:
        open_span = None
        for i, (token, tag) in enumerate(sent):
            if i:
                pieces.append(" ")
                pos += 1
            start, pos = pos, pos + len(token)
            pieces.append(token)
            if tag.startswith("B-") or tag == "O" or (open_span and tag[2:] != open_span[2]):
                if open_span and open_span[2] in CONLL_TYPES:
                    gold.add((open_span[0], open_span[1], CONLL_TYPES[open_span[2]]))
                open_span = [start, pos, tag[2:]] if tag != "O" else None
            else:
                open_span[1] = pos
        if open_span and open_span[2] in CONLL_TYPES:
            gold.add((open_span[0], open_span[1], CONLL_TYPES[open_span[2]]))
        pieces.append("\n")
        pos += 1
    return "".join(pieces), gold


def _raw_tags(texts: list[str]):
    for key, mentions in ner.extract((str(i), t) for i, t in enumerate(texts)):
        yield key, mentions


def eval_conll(path: Path, limit: int | None, raw: bool) -> None:
    docs = read_conll(path, limit)
    texts = [text for text, _ in docs]
    tagger = _raw_tags(texts) if raw else tag_texts((str(i), t) for i, t in enumerate(texts))
    if not raw and not os.environ.get("NO_CORPUS"):
        # The corpus is the file: the same corpus-level pass the Library applies to its articles.
        tagger = propagate({str(i): t for i, t in enumerate(texts)}, dict(tagger)).items()
    counts = defaultdict(Counter)
    for (_key, mentions), (_, gold) in zip(tagger, docs, strict=True):
        pred = {(m.start, m.end, m.type) for m in mentions}
        for type_ in CONLL_TYPES.values():
            g = {x for x in gold if x[2] == type_}
            p = {x for x in pred if x[2] == type_}
            counts[type_].update(tp=len(g & p), fp=len(p - g), fn=len(g - p))
    words = sum(len(t.split()) for t in texts)
    label = "raw model (labels mapped, nothing else)" if raw else "wire-reader pipeline"
    print(f"\n(a) CoNLL-2003 {path.name}: {len(docs)} documents, {words} tokens; {label}")
    print("    exact-span mention scores; PER=person ORG=organization LOC=place; MISC ignored both sides")
    total = Counter()
    for conll, type_ in CONLL_TYPES.items():
        c = counts[type_]
        total.update(c)
        print("    " + _prf_line(conll, c))
    print("    " + _prf_line("micro", total))


def _prf_line(name: str, c: Counter) -> str:
    p = c["tp"] / max(1, c["tp"] + c["fp"])
    r = c["tp"] / max(1, c["tp"] + c["fn"])
    f = 2 * p * r / max(1e-9, p + r)
    return f"{name:6s} P={p:.3f} R={r:.3f} F1={f:.3f}  (tp={c['tp']} fp={c['fp']} fn={c['fn']})"


# --- ECB+ ---------------------------------------------------------------------------------------

_PRONOUNS = frozenset("""i me my he him his she her hers it its they them their theirs we us our you your
who whom whose which that this these those himself herself itself themselves""".split())
_NO_SPACE_BEFORE = frozenset(",.;:!?)]}%") | {"'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m", "'", "''"}
_NO_SPACE_AFTER = frozenset("([{$") | {"``"}


def _space_before(previous: str, word: str, open_quote: bool) -> bool:
    """Whether detokenised text puts a space between two ECB+ tokens ("C ." -> "C.", "( AP )" -> "(AP)")."""
    if word in _NO_SPACE_BEFORE or previous in _NO_SPACE_AFTER:
        return False
    if word == '"':
        return not open_quote  # a closing quote sticks to the word before it
    return not (previous == '"' and open_quote)


_CONNECTORS = frozenset("of the and de del la le du von van for & 's in on at da".split())


def _ecb_doc(path: Path, wanted: set[int] | None):
    """An Article rebuilt from one ECB+ file (one paragraph per sentence), token offsets, mentions, chains."""
    root = ET.parse(path).getroot()
    by_sentence = defaultdict(list)
    for tok in root.iter("token"):
        by_sentence[int(tok.get("sentence"))].append((tok.get("t_id"), tok.text or ""))
    is_plus = path.name.endswith("ecbplus.xml")
    paragraphs, offsets, sentence_of, pos = [], {}, {}, 0
    for number in sorted(by_sentence):
        if is_plus and number == 0:
            continue  # sentence 0 of an ECB+ file is its source URL
        # Tokens are joined as a writer would have written them, so that names read "Frederick C. LaRue"
        # (the tokenised "Frederick C . LaRue" is a string no article contains).
        pieces, previous, open_quote = [], "", False
        for i, (t_id, word) in enumerate(by_sentence[number]):
            if i and _space_before(previous, word, open_quote):
                pieces.append(" ")
                pos += 1
            if word == '"':
                open_quote = not open_quote
            previous = word
            offsets[t_id] = (pos, pos + len(word), i == 0)
            sentence_of[t_id] = number
            pieces.append(word)
            pos += len(word)
        paragraphs.append(Paragraph("".join(pieces)))
        pos += 2
    markables = {}
    for el in root.find("Markables") or []:
        anchors = [a.get("t_id") for a in el.findall("token_anchor")]
        if anchors and (el.tag.startswith("HUMAN_PART") or el.tag.startswith("LOC")):
            markables[el.get("m_id")] = anchors
    chains = []
    for rel in root.find("Relations") or []:
        if rel.tag == "CROSS_DOC_COREF":
            for src in rel.findall("source"):
                anchors = markables.get(src.get("m_id"))
                if anchors and anchors[0] in offsets and (wanted is None or sentence_of[anchors[0]] in wanted):
                    chains.append((rel.get("note"), anchors))
    text = "\n\n".join(p.text for p in paragraphs)
    article = Article(path.name, path.name, path.name, tuple(paragraphs), path.name)
    return article, text, offsets, chains


def _proper(words: list[tuple[str, bool]], lexicon: frozenset[str], lower_words: set[str]) -> bool:
    """A proper name: every content word capitalised, not a pronoun, not a sentence-initial common word,
    not only words the same document also writes in lower case ("Inmate" in a Title Case headline)."""
    content = [(w, first) for w, first in words if w.lower() not in _CONNECTORS and any(c.isalpha() for c in w)]
    if not content or any(not w[0].isupper() for w, _ in content):
        return False
    if all(w.lower() in lower_words for w, _ in content):
        return False
    if len(content) == 1 and content[0][0].lower() in _PRONOUNS:
        return False
    if len(content) == 1 and content[0][1] and content[0][0].lower() in lexicon:
        return False
    return True


def eval_ecb(root: Path, limit: int | None) -> None:
    base = root / "ECB+_LREC2014"
    wanted = defaultdict(set)
    with (base / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            wanted[f"{row['Topic']}_{row['File']}.xml"].add(int(row["Sentence Number"]))
    files = sorted((base / "ECB+").glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name))
    if limit:
        topics = sorted({p.parent.name for p in files}, key=int)[:max(1, limit)]
        files = [p for p in files if p.parent.name in topics]
    lexicon = ner.lexicon()
    docs = {}
    for path in files:
        article, text, offsets, chains = _ecb_doc(path, wanted.get(path.name, set()))
        docs[path.name] = (path.parent.name, article, text, offsets, chains)
    started = time.perf_counter()
    articles = [d[1] for d in docs.values()]
    mentions = corpus_mentions(articles, dict(annotate(articles)))
    table = EntityTable(mentions)
    seconds = time.perf_counter() - started
    gold_of, system_of = defaultdict(Counter), defaultdict(Counter)
    total = found = 0
    for name, (topic, _article, text, offsets, chains) in docs.items():
        spans = [(m.start, m.end, entity.name + "|" + entity.type)
                 for entity, ms in table.for_article(name) for m in ms]
        lower_words = set(re.findall(r"\b[a-z][a-z'-]*\b", text))
        for instance, anchors in chains:
            words = [(text[offsets[t][0]:offsets[t][1]], offsets[t][2]) for t in anchors if t in offsets]
            if not _proper(words, lexicon, lower_words):
                continue
            start, end = offsets[anchors[0]][0], offsets[anchors[-1]][1]
            # One item per name string: leading lower-case words ("at the") and end punctuation dropped.
            surface = re.sub(r"^(?:[a-z]\S*\s+)+|[\s.,;:]+$", "", text[start:end])
            item = (topic, surface)
            total += 1
            gold_of[item][instance] += 1
            hit = [s for s in spans if s[0] < end and start < s[1]]
            if hit:
                found += 1
                best = max(hit, key=lambda s: min(s[1], end) - max(s[0], start))
                system_of[item][best[2]] += 1
    items = sorted(gold_of)
    gold = {i: gold_of[i].most_common(1)[0][0] for i in items}
    system = {i: (system_of[i].most_common(1)[0][0] if system_of[i] else f"unfound:{i}") for i in items}
    tp = fp = fn = 0
    by_topic = defaultdict(list)
    for item in items:
        by_topic[item[0]].append(item)
    for group in by_topic.values():
        for a, b in combinations(group, 2):
            same_gold, same_sys = gold[a] == gold[b], system[a] == system[b]
            tp += same_gold and same_sys
            fp += same_sys and not same_gold
            fn += same_gold and not same_sys
            if os.environ.get("ECB_DEBUG") and same_gold != same_sys:
                print("    FN" if same_gold else "    FP", a[0], repr(a[1]), system[a], "|", repr(b[1]), system[b])
    print(f"\n(b) ECB+ alias merging: {len(docs)} documents in {len(by_topic)} topics, run as one corpus "
          f"(pipeline + EntityTable {seconds:.1f} s)")
    print("    scored: distinct proper-name surface strings (per topic) of HUMAN_PART*/LOC* mentions in")
    print("    CROSS_DOC_COREF chains, coreference sentences only; pronouns and common nouns excluded.")
    print("    Gold cluster = the string's (majority) chain; system cluster = the EntityTable entity of the")
    print("    system mention overlapping it most (string never tagged = its own singleton).")
    print("    Strings lose leading lower-case words ('at the') and final punctuation; pairs = string")
    print("    pairs within a topic.")
    print(f"    mentions {total}, overlapped by a system mention {found} ({found / max(1, total):.1%}); "
          f"distinct strings {len(items)}")
    print("    " + _prf_line("pairs", Counter(tp=tp, fp=fp, fn=fn)))


# --- throughput ---------------------------------------------------------------------------------

def eval_speed(texts: list[str]) -> None:
    words = sum(len(t.split()) for t in texts)
    ner.load()
    print(f"\n(c) NER throughput on {os.cpu_count()} cores; model load {ner.load_seconds:.2f} s "
          f"(first load in this process)")
    for n_process in (1, 2):
        for size in (20_000, 60_000, words):
            batch, count = [], 0
            for t in texts:
                if count >= size:
                    break
                batch.append(t)
                count += len(t.split())
            started = time.perf_counter()
            for _ in ner.extract(((str(i), t) for i, t in enumerate(batch)), n_process=n_process):
                pass
            seconds = time.perf_counter() - started
            print(f"    n_process={n_process} {count:>7} words: {seconds:6.2f} s  {count / seconds:8.0f} words/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conll", type=Path, default=Path("../shared/data/conll2003/test.txt"))
    parser.add_argument("--ecb", type=Path, default=Path("../shared/data/ecbplus"))
    parser.add_argument("--limit", type=int, default=None, help="CoNLL documents / ECB+ topics to use")
    parser.add_argument("--raw", action="store_true", help="also score the raw model on CoNLL")
    parser.add_argument("--only", choices=("conll", "ecb", "speed", "reuters"), action="append")
    # Resolved now: the paths are given from the caller's directory, and main() moves to the repository.
    parser.add_argument("--reuters-corpus", type=lambda p: Path(p).expanduser().resolve(), default=None,
                        help="the Reuters folder bench/reuters.py wrote, for (d)")
    parser.add_argument("--reuters-home", type=lambda p: Path(p).expanduser().resolve(), default=None,
                        help="a wire home where that corpus is indexed, NER finished, for (d)")
    args = parser.parse_args(argv)
    # (d) needs a built home, so it runs by default only when one is given.
    only = set(args.only or ("conll", "ecb", "speed", *(("reuters",) if args.reuters_corpus else ())))
    os.chdir(REPO)
    status = 0
    if "conll" in only or "speed" in only:
        if not args.conll.is_file():
            print(f"CoNLL-2003 file not found: {args.conll} (pass --conll PATH); skipping (a) and (c)")
            status = 2
        else:
            if "conll" in only:
                if args.raw:
                    eval_conll(args.conll, args.limit, raw=True)
                eval_conll(args.conll, args.limit, raw=False)
            if "speed" in only:
                eval_speed([t for t, _ in read_conll(args.conll, args.limit)] * 2)
    if "ecb" in only:
        if not (args.ecb / "ECB+_LREC2014" / "ECB+").is_dir():
            print(f"ECB+ not found under {args.ecb} (pass --ecb PATH); skipping (b)")
            status = 2
        else:
            eval_ecb(args.ecb, args.limit)
    if "reuters" in only:
        if args.reuters_corpus is None or args.reuters_home is None:
            print("Reuters check needs --reuters-corpus and --reuters-home (an indexed home); skipping (d)")
            status = 2
        else:
            from bench import reuters_entity_check as rc

            print(f"\n(d) Reuters-21578 hand-checked entities ({rc.DEFAULT_SPEC.name}) on {args.reuters_home}")
            print(rc.render(rc.check(args.reuters_corpus, args.reuters_home, rc.DEFAULT_SPEC)))
    return status


if __name__ == "__main__":
    sys.exit(main())
