"""Close spellings: the "did you mean ...?" of a fact about a name that is not there."""

from __future__ import annotations

import difflib


def suggest(name: str, candidates, what: str) -> list[str]:
    return [what + hint] if (hint := did_you_mean(name, candidates)) else []


def did_you_mean(name: str, candidates, otherwise: str = "") -> str:
    # compare case-insensitively (Mathtex -> MathTex) and accept a prefix (side -> side_length)
    by_lower = {c.lower(): c for c in candidates
                if c != name and (not c.startswith("_") or name.startswith("_"))}
    close = difflib.get_close_matches(name.lower(), by_lower, n=3, cutoff=0.7)
    close += [c for c in by_lower if len(name) >= 3 and c.startswith(name.lower()) and c not in close]
    found = [by_lower[c] for c in close[:3]]
    return " — did you mean " + " or ".join(map(repr, found)) + "?" if found else otherwise
