"""What two organisation forms show of each other: one shortens, clips or spells out the other (alias merging)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.entities.names import COMPANY_FORMS, key
from reader.models import Mention

CLIP_MIN = 3
"""Fewest letters of a clipped word that stands for a longer one ("Fed" for "Federal")."""


def shortens(short: str, full: str) -> bool:
    """Whether organisation key `short` is a short form of `full`: its first words ("t-mobile" of
    "t-mobile usa", "morningside recovery" of "morningside recovery center"), its leading words
    abbreviated to initials ("la times" of "los angeles times"), or one word clipped from the first
    ("fed" of "federal reserve board")."""
    s, f = short.split(), full.split()
    if len(s) >= len(f):
        return False
    if f[:len(s)] == s:
        return True
    if len(s) == 1 and len(s[0]) >= CLIP_MIN and s[0].isalpha() and f[0].startswith(s[0]) and f[0] != s[0]:
        return True
    for n in range(2, len(f)):
        if len(s) >= 2 and s[0] == "".join(w[0] for w in f[:n]) and s[1:] == f[n:]:
            return True
    return False


def after_place(short: str, full: str, places: set[str]) -> bool:
    """Whether organisation key `short` is `full` without the place it names first: "saints" of "new orleans
    saints", "times" of "los angeles times", "promises treatment center" of "malibu promises treatment center"
    (a team, paper or clinic called by its own name, its city left out)."""
    if full.endswith(" " + short):
        return full[:-len(short) - 1] in places  # "saints" of "new orleans saints"
    return full.startswith(" ".join(full.split()[:1]) + " ") and full.split(" ", 1)[-1] == short \
        and full.split()[0] in places  # "promises treatment center" of "malibu promises treatment center"


_FACILITY = re.compile(r"^(\S+(?: \S+)+?) (?:(?:treatment|rehab|rehabilitation) )?(?:center|clinic)$")
"""A clinic's key by its own name and its kind: "betty ford" of "betty ford center", "betty ford clinic" and "betty
ford treatment center" (keys spell "centre" "center")."""


def facility(k: str) -> str | None:
    """The own name (two words or more) of a key naming a center or clinic, which news copy calls either: the
    Betty Ford Center is the Betty Ford Clinic. None for other keys, and for one-word own names ("Lincoln Center"
    beside a "Lincoln Clinic" is too slight to go on)."""
    found = _FACILITY.match(k)
    return found.group(1) if found else None


def complete(form: str) -> bool:
    """A company's full name: it ends with a company-form word. Such a name is never the short form of a
    longer one ("General Electric Co" beside "General Electric Credit Corp" is the parent, not the unit)."""
    words = form.replace(",", " ").split()
    return len(words) > 1 and words[-1].lower().strip(".<>()") in COMPANY_FORMS


def capitals(form: str) -> bool:
    """Written in capitals, as an acronym is ("IOC", "U.S.D.A.", "USG Corp"): "Fed" or "Opec" is a word, whose
    letters say nothing of what it stands for."""
    if _INITIALS.match(form):
        return True
    head = form.split()[0].replace(".", "").replace("&", "") if form.split() else ""
    return len(head) >= 2 and head.isupper()


_INITIALS = re.compile(r"^[A-Z](?: ?(?:&| and ) ?[A-Z])+$")
"""Capitals joined by "and" or "&": "S and P" is written in capitals as "S&P" is."""


APPOSED_GAP = 3
"""Most characters between a name and the acronym after it: ", " or " (" (Schwartz & Hearst's pattern)."""


def apposed_acronyms(ms: Sequence[Mention]) -> list[tuple[str, str]]:
    """(name key, short key) for each organisation followed at once by an ALL-CAPS acronym whose letters appear in
    the name in order, the first one first ("International Cocoa Organization, ICCO"), or a company's full name
    by a contraction of it ("Petroleo Brasileiro SA (Petrobras)"; not "Texas Supreme Court, Texaco")."""
    orgs = sorted((m for m in ms if m.type == "organization"), key=lambda m: m.start)
    found = []
    for long, short in zip(orgs, orgs[1:], strict=False):
        letters = short.text.strip("()., ")
        if (0 < short.start - long.end <= APPOSED_GAP and " " in long.text.strip() and letters.isalpha()
                and 2 <= len(letters) <= 10 and (
                    (letters.isupper() and _in_order(letters.lower(), long.text.lower().lstrip("<")))
                    or (letters[0].isupper() and complete(long.text)
                        and contraction(letters.lower(), long.text.lower().lstrip("<"))))):
            found.append((key(long.text, "organization"), key(short.text, "organization")))
    return found


def contraction(short: str, name: str) -> bool:
    """`short` is made of the beginnings (two letters or more each) of two or more of `name`'s words, in order,
    starting with its first word: "petrobras" of "petroleo brasileiro sa", "amex" of "american stock exchange",
    "nabisco" of "national biscuit company"; not "texaco" of "texas supreme court"."""
    words = [w for w in re.split(r"[\s-]+", name) if w]

    def fits(at: int, word: int, pieces: int) -> bool:
        if at == len(short):
            return pieces >= 2
        for i in range(word, len(words)):
            w = words[i]
            for n in range(min(len(w), len(short) - at), 1, -1):
                if w[:n] == short[at:at + n] and fits(at + n, i + 1, pieces + 1):
                    return True
            if pieces == 0:
                return False  # the first piece starts the name
        return False

    return len(short) >= 4 and fits(0, 0, 0)


def _in_order(letters: str, name: str) -> bool:
    """`letters` appear in `name` in order, the first one at the start of the name."""
    if not name.startswith(letters[0]):
        return False
    at = 1
    for ch in letters[1:]:
        at = name.find(ch, at) + 1
        if at == 0:
            return False
    return True
