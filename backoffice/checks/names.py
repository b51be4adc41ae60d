"""Comparison of people's names between documents, bank details and the customer file.

Documents and files spell the same person differently (accents dropped, hyphens, ICAO transliteration
"MUELLER" for "Müller", only the first of several given names): a strict comparison would send every
customer to manual review, so the tolerance is written down here once.
"""

from __future__ import annotations

from dataclasses import dataclass

from backoffice.checks.text import fold, strip_accents

# ICAO 9303 part 3 transliterations that differ from dropping the accent (both are accepted).
_ICAO_TRANSLITERATION = str.maketrans(
    {
        "ä": "ae",
        "Ä": "AE",
        "ö": "oe",
        "Ö": "OE",
        "ü": "ue",
        "Ü": "UE",
        "å": "aa",
        "Å": "AA",
        "ø": "oe",
        "Ø": "OE",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ĳ": "ij",
        "Ĳ": "IJ",
    }
)
_PLAIN_EXTRA = str.maketrans(
    {"ø": "o", "Ø": "O", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ł": "l", "Ł": "L"}
)
PARTICLES = frozenset(
    {"de", "du", "des", "d", "la", "le", "les", "l", "von", "van", "der", "den", "di", "da", "del"}
)
_CIVILITIES = frozenset(
    {
        "m",
        "mr",
        "mme",
        "mlle",
        "mle",
        "mm",
        "mmes",
        "monsieur",
        "madame",
        "mademoiselle",
        "messieurs",
        "mesdames",
        "dr",
        "docteur",
        "me",
        "maitre",
    }
)
_JOINERS = frozenset({"ou", "et", "&", "or", "and"})


def name_variants(value: str | None) -> frozenset[str]:
    """Folded readings of a name: accents dropped ("muller") and ICAO-transliterated ("mueller")."""
    if not value:
        return frozenset()
    return frozenset(
        {fold(value.translate(_PLAIN_EXTRA)), fold(strip_accents(value.translate(_ICAO_TRANSLITERATION)))}
    )


def _without_particles(tokens: list[str]) -> list[str]:
    kept = [t for t in tokens if t not in PARTICLES]
    return kept or tokens


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    iterator = iter(long)
    return all(token in iterator for token in short)


def _tokens_match(a: list[str], b: list[str], *, partial: bool, a_truncated: bool) -> bool:
    if not a or not b:
        return False
    if "".join(a) == "".join(b):
        return True
    if a_truncated and "".join(b).startswith("".join(a)):
        return True
    a_core, b_core = _without_particles(a), _without_particles(b)
    if "".join(a_core) == "".join(b_core):
        return True
    if a_truncated and "".join(b_core).startswith("".join(a_core)):
        return True
    if not partial:
        return False
    if a_truncated and len(a_core) > 1:
        # The last token of a cut field may be incomplete; the complete ones must still be there.
        a_core = a_core[:-1]
    return _is_subsequence(a_core, b_core) or _is_subsequence(b_core, a_core)


def names_match(
    a: str | None, b: str | None, *, partial: bool = True, a_may_be_truncated: bool = False
) -> bool:
    """True when `a` and `b` can name the same person.

    Accents, case, hyphens, apostrophes, spaces inside a name ("De La Tour" / "DELATOUR") and particles
    are ignored. With `partial`, one list of given names may hold only some of the other's, in order
    ("ANNA MARIA" / "Anna"). `a_may_be_truncated` accepts `a` cut at the end of a fixed-width field.
    """
    for left in name_variants(a):
        for right in name_variants(b):
            if _tokens_match(left.split(), right.split(), partial=partial, a_truncated=a_may_be_truncated):
                return True
    return False


@dataclass(frozen=True)
class HolderMatch:
    """Whether an account holder is the customer; `reason` (French) explains a refusal or a partial check."""

    matched: bool
    reason: str | None = None


def _find_run(tokens: list[str], surname_variants: list[list[str]]) -> tuple[int, int] | None:
    """Position of the surname in the holder's tokens, spaces inside the surname not mattering."""
    for variant in surname_variants:
        joined = "".join(variant)
        for start in range(len(tokens)):
            built = ""
            for end in range(start, len(tokens)):
                built += tokens[end]
                if built == joined:
                    return start, end + 1
                if not joined.startswith(built):
                    break
    return None


def _given_matches(others: list[str], given_variants: list[list[str]]) -> bool:
    words = [t for t in others if len(t) > 1]
    initials = [t for t in others if len(t) == 1]
    for given in given_variants:
        if words:
            if any(word in given or word == "".join(given) for word in words):
                return True
            continue
        if initials and initials[0] == given[0][0]:
            return True
    return False


def holder_matches_customer(
    holder: str | None, last_name: str | None, first_names: str | None
) -> HolderMatch:
    """Check that a bank account holder line ("M OU MME DUPONT JEAN", "DUPONT J.") names the customer."""
    tokens = fold(holder).split()
    if not tokens:
        return HolderMatch(False, "titulaire du compte non renseigné")
    if not last_name:
        return HolderMatch(False, "nom du client absent du dossier : comparaison impossible")
    segments: list[list[str]] = [[]]
    for token in tokens:
        if token in _JOINERS:
            segments.append([])
        elif token not in _CIVILITIES:
            segments[-1].append(token)
    segments = [segment for segment in segments if segment]
    surname_variants = [v.split() for v in name_variants(last_name)]
    surname_variants += [_without_particles(v) for v in list(surname_variants)]
    given_variants = [v.split() for v in name_variants(first_names) if v]
    surname_alone = False
    other_given_name = False
    surname_less: list[list[str]] = []
    for segment in segments:
        run = _find_run(segment, surname_variants)
        if run is None:
            surname_less.append(segment)
            continue
        others = segment[: run[0]] + segment[run[1] :]
        if not others:
            surname_alone = True
        elif not given_variants or _given_matches(others, given_variants):
            return HolderMatch(True)
        else:
            other_given_name = True
    shown = holder.strip() if holder else ""
    if not (surname_alone or other_given_name):
        return HolderMatch(
            False, f"le nom « {last_name} » ne figure pas dans l'intitulé du compte « {shown} »"
        )
    if any(_only_given_names(segment, given_variants) for segment in surname_less):
        # "M OU MME JEAN ET MARIE DUPONT": the first given name shares the surname written after the second.
        return HolderMatch(True)
    if surname_alone:
        return HolderMatch(True, "prénom absent de l'intitulé du compte : seul le nom a été vérifié")
    return HolderMatch(
        False, f"le prénom de l'intitulé « {shown} » ne correspond pas au dossier « {first_names} »"
    )


def _only_given_names(segment: list[str], given_variants: list[list[str]]) -> bool:
    for given in given_variants:
        initials = {name[0] for name in given}
        if all(token in given or (len(token) == 1 and token in initials) for token in segment):
            return True
    return False
