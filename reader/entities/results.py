"""Sports results and standings lines: the names in them are teams (organisations), whatever the model says."""

from __future__ import annotations

import re

from reader.models import Mention

_NAME = r"[A-Z][\w.'&-]*(?: (?:[A-Z][\w.'&-]*|of|de|la|del|der|\( ?[A-Z]{1,3} ?\)))*"
_RESULT = re.compile(rf"^({_NAME}) \d{{1,3}} ,? ?({_NAME}) \d{{1,3}}\b(?! ?[-/.:]\d)")
"""A score line, "Sutjeska 1 Loznica 0" or "Newport 29 Caerphilly 10"; not a date or a time."""
_TABLE = re.compile(rf"^({_NAME})(?: [-+]?\.?\d[\d./]*){{3,}}(?: -)?\s*$")
"""A standings row: a name followed by nothing but three or more numbers ("Ayr 3 1 2 0 8 2 5")."""


def teams(text: str) -> list[Mention]:
    """Organisation mentions for the team names of score lines and standings rows in `text`.

    Wire sports copy names clubs after their towns ("Northampton 46 West Hartlepool 20"); the model
    reads them as places, or people, or misses them in a line with no sentence around it. A name
    followed by a score and another name and score, or by a row of numbers alone, is a team.
    """
    found = []
    pos = 0
    for line in text.split("\n"):
        for pattern in (_RESULT, _TABLE):
            match = pattern.match(line)
            if match:
                for group in range(1, pattern.groups + 1):
                    start, end = match.span(group)
                    found.append(Mention(pos + start, pos + end, line[start:end], "organization"))
                break
        pos += len(line) + 1
    return found
