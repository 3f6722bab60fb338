"""Clustering mentions into entities: which forms, in which articles, name the same person, organisation or place."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

# _cluster_of, _Union: re-exported, as tables pickled before clusters.py name them here.
from reader.entities.clusters import FIELDS, TYPES, _Cluster, _cluster_of, _Node, _Union, canonical  # noqa: F401
from reader.entities.evidence import after_place, apposed_acronyms, capitals, complete, facility, shortens
from reader.entities.explain import summarise, top_form
from reader.entities.gazetteer import PLACE_NAMES
from reader.entities.names import acronym, display, key
from reader.models import Mention

MERGE_VERSION = "19"
"""Bump when merging or the corpus pass (reader.entities.corpus) changes: merged tables kept on disk
(reader.enrich) are then built again, without NER."""
DOMINANT = 5
"""How many times the mentions of the runner-up a full name needs for a lone surname to join it."""
SHORT_DOMINANT = 2
"""How many times as often as any other a longer name must be the one an organisation's short form stood for
("Federal Reserve": the Board, more than twice as often as a regional Federal Reserve Bank)."""
WIDER = 4
"""A short form used alone in this many times as many articles as its longer name is a wider word than that
name ("Central Bank" beside one country's): it stays apart."""
SHARED = 2
"""Fewest other names a lone surname's article must share with a full name's articles to be told by them."""


def _cluster(mentions: Mapping[str, Sequence[Mention]]) -> list[_Cluster]:
    """Normalise, attach short forms within each article, then join equal keys and acronyms corpus-wide."""
    work = _Merging()
    # Every place the corpus names, for the organisations named after one ("Malibu Promises Treatment Center").
    work.places = {key(m.text, "place") for ms in mentions.values() for m in ms if m.type == "place"} | PLACE_NAMES
    for article_id, ms in mentions.items():
        work.article(article_id, ms)
    work.middle_names()
    work.run_together()
    work.facilities()
    work.surnames()
    work.acronyms()
    work.short_forms()
    merged: dict = {}
    for node, mentions in work.nodes.items():
        merged.setdefault(work.union.find(node), _Cluster()).add(node[0], mentions)
    for root, evidence in summarise(work.edges, work.nodes, work.union.find).items():
        merged[root].evidence = evidence
    return list(merged.values())


class _Merging:
    """The state of one clustering: nodes are (article, type, key) for one article's mentions of a name, and
    ("key", type or "*", key) for the name corpus-wide; union-find joins them on the evidence found."""

    def __init__(self) -> None:
        self.union = _Union()
        self.places: set[str] = set()
        self.nodes: dict[tuple, _Node] = {}
        self.short_orphans: list[tuple] = []
        """A lone surname with no full name in its article."""
        self.short_orgs: list[tuple] = []
        """One-word organisations, joined once the acronyms' expansions are known."""
        self.apposed: list[tuple[str, str, str]] = []
        self.attached: dict[str, Counter] = defaultdict(Counter)
        """Organisation short key -> the longer names it joined in their articles."""
        self.orphan_orgs: dict[str, list[tuple]] = defaultdict(list)
        """Organisation key -> its nodes that joined no longer name in their article."""
        self.in_capitals: Counter = Counter()
        self.used: Counter = Counter()
        """Mentions of each organisation key, and of them those written in capitals (an acronym's use)."""
        self.spelled_out: set[str] = set()
        """Acronym keys joined to an expansion."""
        self._company: dict[str, set] | None = None
        """Article -> the (type, key) of every name it has, for `_by_company` (built when first asked)."""
        self._kept: dict[tuple, set] = {}
        """A full name's root -> the names its articles have (for `_by_company`)."""
        self.edges: list[tuple[tuple, tuple, str | None, str]] = []
        """(node, the node it joined, that one's name if not a node's own, why): what `wire entities --explain`
        shows (reader.entities.explain)."""

    def join(self, node: tuple, other: tuple, why: str, other_form: str | None = None) -> None:
        """Join two nodes on evidence (`reader.entities.explain.REASONS[why]`), and note it."""
        self.union.union(node, other)
        self.edges.append((node, other, other_form, why))

    def article(self, article_id: str, ms: Sequence[Mention]) -> None:
        union = self.union
        local: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for m in ms:
            if m.type not in TYPES:
                continue  # a type that only votes in the corpus pass (reader.entities.ner.OTHER)
            k = key(m.text, m.type)
            if k and any(c.isalpha() for c in k):
                local[(m.type, k)].append(m)
        full_persons = [k for t, k in local if t == "person" and " " in k]
        orgs = [k for t, k in local if t == "organization"]
        self.apposed += [(article_id, short, long) for long, short in apposed_acronyms(ms)]
        # An organisation's short form joins the one longer name it shortens in the same article, and only
        # that one: "Central Bank" is the Central Bank of Barbados in one story, another bank in the next,
        # so a form so attached stays out of the corpus-wide key (short_forms() weighs the lone ones).
        # A company's full name ("General Electric Co") is nobody's short form ("General Electric Credit
        # Corp" is its unit).
        attached: set[str] = set()
        places = self.places
        for k in orgs:
            if any(complete(display(m.text, "organization")) for m in local[("organization", k)]):
                continue
            longer = [f for f in orgs if shortens(k, f) or after_place(k, f, places)]
            if len(longer) == 1:
                self.join((article_id, "organization", k), (article_id, "organization", longer[0]), "short")
                attached.add(k)
                self.attached[k][(article_id, "organization", longer[0])] += 1
        for (type_, k), group in local.items():
            node = (article_id, type_, k)
            self.nodes.setdefault(node, _Node(type_)).mentions.extend(group)
            if type_ == "organization":
                self.used[k] += len(group)
                self.in_capitals[k] += sum(1 for m in group if capitals(display(m.text, type_)))
            if type_ == "person" and " " not in k:
                # A surname (or, failing that, a first name) attaches to the one full name it shortens.
                longer = [f for f in full_persons if f.split()[-1] == k] or \
                    [f for f in full_persons if f.split()[0] == k]
                if len(longer) == 1:
                    self.join(node, (article_id, type_, longer[0]), "surname")
                else:
                    self.short_orphans.append(node)
            elif type_ == "organization" and k in attached:
                pass
            elif " " in k:
                if type_ == "person":
                    # Two words of a three-word name ("Bra Kanon" after "Denis Bra Kanon") are the
                    # same person in that article, as a lone surname is.
                    longer = [f for f in full_persons if f.endswith(" " + k)]
                    if len(longer) == 1:
                        self.join(node, (article_id, type_, longer[0]), "last words")
                elif type_ == "organization":
                    self.orphan_orgs[k].append(node)
                # The model's type for one multi-word name varies between articles ("Betty Ford Center"
                # as a person here, an organisation there): equal multi-word keys join across types.
                union.union(node, ("key", "*", k))
            elif type_ == "organization":
                self.short_orgs.append(node)
                self.orphan_orgs[k].append(node)
            else:
                union.union(node, ("key", type_, k))

    def middle_names(self) -> None:
        """A person's name with middle names joins the same first and last names when the corpus writes them
        so ("Christopher Kenyon Simpson" is the "Christopher Simpson" of other stories): one name, two ways."""
        one: dict[str, tuple] = {}
        for node in self.nodes:
            if node[1] == "person" and " " in node[2]:
                one.setdefault(node[2], node)
        for k, node in one.items():
            words = k.split()
            short = f"{words[0]} {words[-1]}"
            if len(words) > 2 and short in one:
                self.join(node, ("key", "*", short), "middle", top_form(self.nodes[one[short]].forms))

    def run_together(self) -> None:
        """An organisation's name written as one word in capitals inside ("SeaMicro") joins the same words spaced
        ("Sea Micro"): one name, written two ways."""
        single: dict[str, tuple] = {}
        for node, found in self.nodes.items():
            if node[1] == "organization" and " " not in node[2] and node[2] not in single:
                if any(any(c.isupper() for c in f[1:]) and not f.isupper() for f in found.forms):
                    single[node[2]] = node
        for node in list(self.nodes):
            if node[1] == "organization" and " " in node[2] and node[2].replace(" ", "") in single:
                other = single[node[2].replace(" ", "")]
                self.join(node, other, "run together")

    def facilities(self) -> None:
        """Names of one clinic by its kinds ("Betty Ford Center", "Betty Ford Clinic", "Betty Ford Treatment
        Center") join across articles: news copy calls one facility any of them (`evidence.facility`)."""
        first: dict[str, tuple] = {}
        for node in list(self.nodes):
            own = facility(node[2]) if node[0] != "key" and " " in node[2] else None
            if own is None:
                continue
            if own not in first:
                first[own] = node
            elif first[own][2] != node[2]:
                self.join(node, first[own], "facility", top_form(self.nodes[first[own]].forms))

    def surnames(self) -> None:
        """A short person form with no full name in its article joins the one full name that ends with it in
        the corpus, or the one that outweighs the others DOMINANT times in mentions (Reuters' "Volcker" is
        Paul Volcker's, whatever "LAWSON CALLS VOLCKER" in a headline was tagged); when several weigh
        alike ("Bush"), it stays a separate entity rather than pick one at random."""
        union, nodes = self.union, self.nodes
        surnames: dict[str, set] = defaultdict(set)
        weight: Counter = Counter()
        shown: dict = {}  # a root -> one of its full names, for the evidence
        articles: dict = defaultdict(set)  # a root -> the articles of its full names
        firsts: dict[str, set] = defaultdict(set)
        for node in nodes:
            if node[0] != "key" and node[1] == "person" and " " in node[2]:
                root = union.find(node)
                surnames[node[2].split()[-1]].add(root)
                firsts[node[2].split()[0]].add(root)
                weight[root] += len(nodes[node].mentions)
                shown.setdefault(root, top_form(nodes[node].forms))
                articles[root].add(node[0])
        for node in self.short_orphans:
            owners = sorted(surnames.get(node[2], ()), key=lambda r: weight[r], reverse=True)
            dominant = bool(owners) and (len(owners) == 1 or weight[owners[0]] >= DOMINANT * weight[owners[1]])
            if dominant:
                self.join(node, owners[0], "surname corpus", shown[owners[0]])
            elif owners and (owner := self._by_company(node, owners, articles)) is not None:
                self.join(node, owner, "surname company", shown[owner])
            elif not owners and len(firsts.get(node[2], ())) == 1 and \
                    (owner := self._by_company(node, list(firsts[node[2]]), articles)) is not None:
                # A first name alone ("Laci") whose only full name ("Laci Peterson") its story's company shows.
                self.join(node, owner, "first name company", shown[owner])
            else:
                union.union(node, ("key", "person", node[2]))

    def _by_company(self, node: tuple, owners: list, articles: Mapping) -> tuple | None:
        """Of the full names a lone name may stand for (`owners`), the one whose articles name the others its
        article names (SHARED of them or more, DOMINANT times as many as any other's): "Tennant" in a story of
        Doctor Who, the BBC and Matt Smith is David Tennant, not a banker Tom Tennant of other stories."""
        if self._company is None:
            self._company = defaultdict(set)
            for n in self.nodes:
                if n[0] != "key":
                    self._company[n[0]].add(n[1:])
        if all(f.isupper() for f in self.nodes[node].forms):
            return None  # "ING", "CMTE": an acronym or a headline's word, not a name to tell by its company
        here = self._company[node[0]] - {node[1:]}
        shared = []
        for owner in owners:
            if owner not in self._kept:
                self._kept[owner] = set().union(*(self._company[a] for a in articles[owner]))
            shared.append((len(here & self._kept[owner]), owner))
        shared.sort(key=lambda x: x[0], reverse=True)
        best, runner = shared[0][0], shared[1][0] if len(shared) > 1 else 0
        return shared[0][1] if best >= SHARED and best >= DOMINANT * runner else None

    def acronyms(self) -> None:
        """Acronyms: "IOC" joins "International Olympic Committee": the name set beside it in its article, else
        the expansion in its own article, else the corpus's only expansion, or one used in at least twice as
        many articles as any other. Only a form the corpus writes in capitals is an acronym ("Fed" is a
        word: its letters are not "Frontier Exploration Department"'s), and a company's acronym ("USG Corp")
        spells out only a company's name, not "U.S. Government"."""
        union, nodes = self.union, self.nodes
        expansions: dict[str, Counter] = defaultdict(Counter)
        names: dict = {}  # an expansion's root -> its name, for the evidence
        in_article: dict[tuple[str, str], tuple] = {}
        companies: set = set()
        for node in nodes:
            if node[1] == "organization" and " " in node[2]:
                form = canonical(nodes[node].forms)
                initials = acronym(form)
                if len(initials) >= 2:
                    root = union.find(node)
                    names.setdefault(root, form)
                    expansions[initials][root] += 1
                    in_article[(node[0], initials)] = node
                    if complete(form):
                        companies.add(root)
        # An acronym set right after a name in its article is that name's expansion there, whatever
        # its letters make ("International Cocoa Organization (ICCO)").
        beside: dict[tuple[str, str], tuple] = {}
        shown: dict[str, Counter] = defaultdict(Counter)
        """Short key -> the names the corpus sets it beside: evidence for a contraction not in capitals too."""
        for article_id, short, long in self.apposed:
            node = (article_id, "organization", long)
            if node in nodes and (article_id, "organization", short) in nodes:
                beside[(article_id, short)] = node
                names.setdefault(union.find(node), top_form(nodes[node].forms))
                expansions[short][union.find(node)] += 1
                shown[short][union.find(node)] += 1
        # One-word organisations join across articles by key, except an acronym that stands for several
        # names: "ICO" is the International Cocoa Organization in one story and the International Coffee
        # Organization in another, and joining all the "ICO"s made the two one entity.
        for node in self.short_orgs:
            k = node[2]
            spelled = self.in_capitals[k] * 2 >= self.used[k]
            company = any(complete(f) for f in nodes[node].forms)
            found = expansions.get(k) if spelled else shown.get(k)
            if found and company:
                found = Counter({r: n for r, n in found.items() if r in companies}) or None
            ambiguous = bool(found) and len(found) > 1
            local = beside.get((node[0], k)) or (in_article.get((node[0], k)) if spelled else None)
            if local is not None and not (company and union.find(local) not in companies):
                self.join(node, local, "beside" if beside.get((node[0], k)) == local else "acronym here")
                self.spelled_out.add(k)
            elif found:
                ranked = found.most_common(2)
                if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
                    self.join(node, ranked[0][0], "acronym" if spelled else "beside corpus", names[ranked[0][0]])
                    self.spelled_out.add(k)
                else:
                    ambiguous = False  # no expansion chosen: it joins the other orphan "ICO"s by key
            if not ambiguous:
                union.union(node, ("key", "organization", k))

    def short_forms(self) -> None:
        """An organisation's short form used alone in an article joins the longer name it stood for where both
        were written, when that is mostly the same name (SHORT_DOMINANT times any other) and the short form is
        not far wider than it (WIDER): Reuters' "Federal Reserve" and "Fed" are the Federal Reserve Board's;
        "Central Bank", Barbados's in three stories and alone in a hundred, stays apart. Longer short forms
        first: "Federal Reserve" has joined the Board when "Fed" is weighed."""
        union = self.union
        articles: dict = defaultdict(set)
        shown: dict = {}  # a root -> the longer name a short form was attached to, for the evidence
        for node in self.nodes:
            if node[0] != "key":
                articles[union.find(node)].add(node[0])
        for k in sorted(self.attached, key=lambda k: (-len(k.split()), k)):
            orphans = self.orphan_orgs.get(k)
            if not orphans or k in self.spelled_out:
                continue
            roots: Counter = Counter()
            for node, n in self.attached[k].items():
                roots[union.find(node)] += n
                shown.setdefault(union.find(node), top_form(self.nodes[node].forms))
            ranked = roots.most_common(2)
            if len(ranked) > 1 and ranked[0][1] < SHORT_DOMINANT * ranked[1][1]:
                continue
            target = ranked[0][0]
            alone = {node[0] for node in orphans}
            if WIDER * len(articles[target]) >= len(alone):
                for node in orphans:
                    self.join(node, target, "lone", shown[target])
                joined = union.find(target)
                articles[joined] = articles[target] | alone
                shown[joined] = shown[target]



