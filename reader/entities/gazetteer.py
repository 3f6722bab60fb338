"""Places news copy names in several ways: "U.K." and "Britain", "USSR" and "Soviet Union", "Calif." and "California"."""

from __future__ import annotations

# Each line: the key a place is merged under, then its other keys (as reader.entities.names.key makes them: lower
# case, no dots). Only variants that name nothing else: "Wash." (the state, or Washington, D.C.?), "Ind." and
# "Georgia" (the state, or the country?) are left out. The canonical name shown is still the fullest form the
# corpus itself uses (reader.entities.merging.canonical). "LA" is Los Angeles, as US copy writes it, not
# Louisiana ("La.").
_TABLE = """
united kingdom: uk, britain, great britain
soviet union: ussr, soviet russia
west germany: federal republic of germany, frg
east germany: german democratic republic, gdr
netherlands: holland
china: people's republic of china, prc
south korea: republic of korea, rok
north korea: democratic people's republic of korea, dprk
united arab emirates: uae
ivory coast: cote d'ivoire, côte d'ivoire
alabama: ala
arizona: ariz
arkansas: ark
california: calif
los angeles: la, los angeles city
colorado: colo
connecticut: conn
delaware: del
florida: fla
illinois: ill
kansas: kan, kans
kentucky: ky
maryland: md
massachusetts: mass
michigan: mich
minnesota: minn
mississippi: miss
missouri: mo
montana: mont
nebraska: neb, nebr
nevada: nev
new hampshire: nh
new jersey: nj
new mexico: nm
north carolina: nc
north dakota: nd
oklahoma: okla
oregon: ore
pennsylvania: pa, penn
rhode island: ri
south carolina: sc
south dakota: sd
tennessee: tenn
texas: tex
vermont: vt
virginia: va
west virginia: w va, wva
wisconsin: wis, wisc
wyoming: wyo
"""

SAME_PLACE: dict[str, str] = {
    variant.strip(): name.strip()
    for name, _, variants in (line.partition(":") for line in _TABLE.strip().splitlines())
    for variant in variants.split(",")
}
"""Other key -> the key a place is merged under."""
PLACE_NAMES = frozenset(SAME_PLACE.values())
"""The names places are merged under, which the canonical name prefers."""
