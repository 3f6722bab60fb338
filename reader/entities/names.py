"""Name normalisation shared by mention refinement and alias merging: titles, possessives, keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reader.entities.gazetteer import SAME_PLACE

TITLES = frozenset("""
mr mrs ms miss mx dr prof professor sir dame lord lady madam
mayor supervisor president vice senator sen rep representative congressman congresswoman
councilman councilwoman councillor councilor councilmember controller comptroller governor gov
lieutenant lt chief executive ceo chairman chairwoman chairperson chair director
minister premier chancellor secretary treasurer ambassador commissioner attorney prosecutor
judge justice magistrate sheriff deputy detective inspector officer constable sergeant sgt
general gen colonel col major maj captain capt commander admiral marshal corporal cpl private pvt
king queen prince princess pope cardinal archbishop bishop reverend rev father pastor rabbi imam
coach manager spokesman spokeswoman spokesperson speaker leader assemblyman assemblywoman
delegate alderman
""".split())
"""Words that name a role, not a person: stripped from the front of person names."""

TITLE_MODIFIERS = frozenset("""
state city county federal national regional former acting interim deputy vice prime attorney
assistant associate executive senior junior district us u.s. uk u.k. eu un
""".split())
"""Words that only qualify a following title ("State Senator", "Prime Minister")."""

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                         "\u2014": "-", "\u00a0": " "})
_POSSESSIVE = re.compile(r"(?:'s|')$", re.IGNORECASE)
_US = re.compile(r"^(?:u\.?s\.?a?\.?|united states(?: of america)?)$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_SUFFIX = re.compile(r"(?:,?\s+(?:jr|sr|ii|iii|iv|inc|incorporated|ltd|limited|llc|corp|corporation|co|company|plc|"
                     r"ag|sa|nv))+$", re.IGNORECASE)
"""Generational and company-form suffixes: "W. Mark Felt Sr" is "W. Mark Felt", "Apple Inc" is "Apple"."""
_LETTERS_DIGITS = re.compile(r"\b([a-z]{1,5})-([0-9]{1,4})\b")
_AND = re.compile(r"\s+(?:and|&)$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w\s&-]")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_US_PREFIX = re.compile(r"^(?:u ?s(?: ?a)?|united states(?: of america)?) (?=\S+ \S)")
"""A leading U.S. on a name of two more words: "US Justice Department" is the "Justice Department"."""
_HEAD_OF = re.compile(r"^(department|ministry|office|bureau|agency) of (?:the )?(\S+(?: \S+){0,2})$")
"""A government body named both ways: "Department of Agriculture" is the "Agriculture Department", "Ministry of
Finance" the "Finance Ministry" (Reuters writes both); keyed as the second."""
_ISATION = re.compile(r"(\w)is(ations?)\b")
"""-isation spellings, keyed as -ization (Organisation, Privatisation); only that ending, which no
other word has ("Louise", "Wise" stay as they are), and never in a person's name."""
_COMPANY = frozenset("inc incorporated corp corporation co company ltd limited plc llc group".split())
COMPANY_FORMS = frozenset("inc incorporated corp corporation co company ltd limited plc llc ag sa nv spa bv".split())
"""Last words that make a name a company's full name ("General Electric Co", "USG Corp"): _COMPANY's legal
forms with the continental ones, without "group" (a "Working Group" is no company)."""


def company_form_only(surface: str) -> bool:
    """True for a "name" made of company-form words alone ("Co", "Co Ltd", "Inc."): what is left when
    the model splits "Carling O'Keefe Breweries Co Ltd" badly; never an entity by itself."""
    words = [w.strip(".,&'").lower() for w in surface.split()]
    return bool(words) and all(w in _COMPANY or w in ("", "and", "&") for w in words)


def clean(surface: str) -> str:
    """The display form of a surface string: straight quotes, single spaces, no possessive, and no
    angle brackets around it (Reuters writes company names "<Samuel Montagu Ltd>")."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", surface).translate(_QUOTES)).strip()
    return _POSSESSIVE.sub("", text.strip(" <>")).strip(" ,;:-<>")


def is_title(word: str) -> bool:
    """True for a role word such as "Mayor", "Dr." or "Councilwoman"."""
    return word.lower().rstrip(".") in TITLES


def strip_titles(words: list[str]) -> list[str]:
    """Drop a leading run of titles and their modifiers ("IOC President", "Los Angeles County Supervisor").

    The cut is made after the last title word of the leading part, so an organisation or place that
    qualifies the title goes with it; a name is never cut to nothing.
    """
    last = -1
    for i, word in enumerate(words[:-1]):
        if is_title(word):
            last = i
    return words[last + 1:] if last >= 0 else words


def strip_article(words: list[str]) -> list[str]:
    """Drop a leading "the", which news text writes or leaves out at will."""
    return words[1:] if len(words) > 1 and words[0].lower() == "the" else words


NAMES_KEPT = 1 << 17
"""Distinct (surface, type) answers `display` and `key` keep: the merge asks them of every mention, again and
again (20,000 articles: 1.6 million calls of `display` and 574,000 of `key` on 38,876 distinct names)."""


@lru_cache(maxsize=NAMES_KEPT)
def display(surface: str, type_: str) -> str:
    """The name a surface string stands for: cleaned, without "the" and, for people, without titles."""
    words = strip_article(clean(surface).split(" "))
    if type_ == "person":
        words = strip_titles(words)
    return " ".join(words)


@lru_cache(maxsize=NAMES_KEPT)
def key(surface: str, type_: str) -> str:
    """The matching key of a name: `display` lower-cased, dots and punctuation dropped, U.S. variants joined."""
    name = display(surface, type_)
    if _US.match(name):
        return "us"
    name = re.sub(r"'s\b", "", name.replace(".", ""), flags=re.IGNORECASE)
    name = _AND.sub("", _SUFFIX.sub("", name)) or name  # "J.P. Morgan and Co Inc" is "J.P. Morgan"
    # An apostrophe inside a name joins its letters: "O'Brien" alone keys as the "O'Brien" of "Jim O'Brien"
    # (spaced, its "o" read as a first name, and inside the full name as a middle initial, dropped).
    name = _SPACE.sub(" ", _NON_WORD.sub(" ", _INNER_APOSTROPHE.sub("", name.lower()))).strip()
    name = _LETTERS_DIGITS.sub(r"\1\2", name)  # "G-7" is the "G7"
    if type_ == "person":
        return _person_key(name)
    # British and American spellings of one name: "Promises Treatment Centre" is the "... Center"; a hyphen
    # is a space ("SAP-Arena", "SAP Arena").
    name = _CENTRE.sub("center", name).replace("-", " ")
    if _INITIALS.match(name):
        return "".join(w for w in name.replace("&", " ").split() if w != "and")  # "S and P", "S&P": "sp"
    if type_ == "place":
        name = _PLACE_CLASS.sub("", _MOUNT.sub("mount ", name)) or name
        name = SAME_PLACE.get(name, name)
    name = _POLICE.sub("police", name)  # "Staunton Police" is the "Staunton Police Department"
    # British and American spellings of one name: "International Coffee Organisation" is the
    # "International Coffee Organization" (Reuters writes both).
    return _HEAD_OF.sub(r"\2 \1", _US_PREFIX.sub("", _ISATION.sub(r"\1iz\2", name)))


_CENTRE = re.compile(r"\bcentre\b")
_POLICE = re.compile(r"(?<=\S )police (?:department|dept|service|force)$")
"""A town's police named with or without its kind ("Staunton Police", "Staunton Police Department"); not a bare
"Police Department", and not "Fire" (the "Palmer Fire" is a fire, the Palmer Fire Department not)."""
_MOUNT = re.compile(r"^mt ")
_PLACE_CLASS = re.compile(r"(?<=\S) (?:sea|ocean|strip|province|region)$")
"""A place named with or without its kind: "Gaza Strip" is "Gaza", "Aceh province" "Aceh", "Mediterranean Sea"
"the Mediterranean" (not "river" or "county": the Mississippi River is not the state, nor Orange County Orange)."""
_INITIALS = re.compile(r"^[a-z](?: ?(?:&| and ) ?[a-z])+$")
"""Initials joined by "and" or "&" ("S and P", "S&P", "P and O"): an acronym, keyed as its letters."""
NICKNAMES = {short: full for full, shorts in (line.split(":") for line in """
james: jim jimmy jamie
william: bill billy will
robert: bob bobby rob
richard: dick rick
frederick: fred freddie
edward: ed ted eddie
thomas: tom tommy
joseph: joe
michael: mike
charles: chuck charlie
john: jack johnny
anthony: tony
daniel: dan danny
david: dave
donald: don
gerald: jerry
lawrence: larry
patrick: pat
peter: pete
ronald: ron ronnie
samuel: sam
timothy: tim
kenneth: ken
nicholas: nick
benjamin: ben
alexander: alex
elizabeth: liz beth
margaret: maggie peggy
katherine: kate kathy
""".strip().splitlines()) for short in shorts.split()}
"""English first names' familiar forms: "Jim Wright" is "James Wright", "Fred LaRue" "Frederick LaRue"; only
forms that stand for one full name ("Steve" is Stephen's or Steven's, and is left alone)."""


def _person_key(name: str) -> str:
    """A person's key: a familiar first name as the full one, middle initials dropped ("Regina M. Benjamin" is
    "Regina Benjamin"), so that the forms news copy uses of one name key alike."""
    words = name.split()
    if len(words) < 2:
        return name
    if len(words) > 2:
        words = [words[0], *(w for w in words[1:-1] if len(w) > 1), words[-1]]
    return " ".join([NICKNAMES.get(words[0], words[0]), *words[1:]])


def acronym(name: str) -> str:
    """Initials of the capitalised words of a multi-word name ("International Olympic Committee" -> "ioc").

    A word that is itself an abbreviation gives all its letters ("U.S. Geological Survey" -> "usgs"), and
    a company-form word at the end gives none ("Electronic Data Systems Corp." -> "eds").
    """
    words = [w for w in re.split(r"[\s-]+", re.sub(r"\b([A-Z])\. (?=[A-Z]\.)", r"\1.", name)) if w]
    while len(words) > 2 and words[-1].lower().strip(".,") in _COMPANY:
        words.pop()
    if len(words) < 2:
        return ""
    letters = []
    for w in words:
        bare = w.replace(".", "")
        if bare.isupper() and bare.isalpha() and len(bare) <= 4 and (len(bare) > 1 or "." in w):
            letters.append(bare)
        elif w[0].isupper() or w[0].isdigit():
            letters.append(w[0])
    return "".join(letters).lower()
