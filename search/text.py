"""Words as the database index stores and searches them: folded, then stemmed.

The database fallback (`search.database`) has no analyzer of its own on SQLite,
so the text goes through this one: words are split on anything that is not a
letter or a digit (so "l'eau" gives "l" and "eau", and quotes, `*`, `:` or
brackets are never part of a word), lower-cased, folded ("vélo" = "velo",
"cœur" = "coeur"), stripped of French and English stop words, then stemmed with
Snowball: French always ("économisez" = "économiser"), English as well
("watering" = "water"). Folding comes before stemming, as PostgreSQL's
`french_unaccent` configuration does, so a word typed without its accents
stems like the accented one.

A query becomes groups of alternatives, one group per word: the word, its
singular or plural ("vélos" / "vélo": Snowball keeps an "s" after a vowel), its
feminine past participle (folded, "économisée" keeps an "e" in its stem) and
its one-word synonyms (`search.synonyms`, as Elasticsearch applies them), which
also join "économiser" and "économies" that no stemmer joins. A result must
match one alternative of every group.
"""

import functools
import threading
import unicodedata

import snowballstemmer

from search.synonyms import SYNONYMS

MAX_WORDS = 12  # groups of a query: bounds the size of the SQL it becomes
LANGUAGES = ("fr", "en")
_STEMMER_NAMES = {"fr": "french", "en": "english"}
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
VOWELS = "aeiouy"

# Elided articles and the commonest function words, which would otherwise make
# "économiser l'eau" require a document holding "l".
STOP_WORDS = frozenset(
    """
    a au aux c ce ces cet cette d de des du elle en et il j je l la le les leur
    leurs lui m ma mais me mes moi mon n ne nos notre nous on ou par pas pour
    qu que qui s sa se ses son sur t ta te tes toi ton tu un une vos votre vous
    y dans avec est sont jusqu lorsqu puisqu quoiqu
    an and are as at be by for from has have in is it its of on or that the
    this to was were will with your you
    """.split()
)

_local = threading.local()


def _stemmer(language: str):
    # Snowball stemmers keep their state on the instance: one per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(_STEMMER_NAMES[language])
    return stemmers[language]


def fold(word: str) -> str:
    """Lower case, ligatures spelled out, accents removed."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """The folded words of a text, stop words left out, in order."""
    spaced = "".join(
        ch if unicodedata.category(ch)[0] in "LMN" else " " for ch in text or ""
    )
    folded = (fold(word) for word in spaced.split())
    # Folding may leave marks of their own (a lone combining accent).
    found = ("".join(ch for ch in word if ch.isalnum()) for word in folded)
    return [
        word for word in found if word and (keep_stop_words or word not in STOP_WORDS)
    ]


# Stems kept per process: the pure-Python Snowball stemmer costs about 0.2 ms a
# word, most of a post's indexing after commit (issue 14), and a town writes
# with a vocabulary of some thousands of words. A few MiB at most.
STEMS_KEPT = 65536


@functools.lru_cache(maxsize=STEMS_KEPT)
def stem(word: str, language: str = "fr") -> str:
    """The Snowball stem of a folded word."""
    return _stemmer(language).stemWord(word)


def stems(word: str, languages=LANGUAGES) -> list[str]:
    """The word's stems in each language, each once."""
    found: list[str] = []
    for language in languages:
        one = stem(word, language)
        if one not in found:
            found.append(one)
    return found


def index_terms(text: str) -> str:
    """The text as the SQLite index stores it: French and English stems."""
    return " ".join(term for word in words(text) for term in stems(word))


def title_words(text: str) -> str:
    """The folded words of a title, unstemmed: what suggestions complete."""
    return " ".join(words(text))


def number_variant(word: str) -> str | None:
    """The plural of a word ending in a vowel, or the singular of its plural."""
    if len(word) > 3 and word[-1] in "sx" and word[-2] in VOWELS:
        return word[:-1]
    if len(word) > 2 and word[-1] in VOWELS:
        return word + "s"
    return None


def participle(word: str) -> str | None:
    """The feminine past participle of a French stem, folded: "isoler" ->
    "isolee". Snowball strips "-ée" only while it carries its accent, so the
    folded "économisée" stems to "economise", apart from "économiser"."""
    if not word.endswith(("er", "ez", "e", "es")):
        return None  # not a verb form
    base = stem(word)
    if len(base) >= 3 and not base.endswith("e") and base.isalpha():
        return base + "ee"
    return None


@functools.cache
def _synonyms() -> dict[str, tuple[str, ...]]:
    """French stem of a one-word synonym -> every one-word synonym of its rules.

    Rules of several words ("vélo électrique, VAE") need phrase matching, which
    the fallback does not do: they are left to Elasticsearch.
    """
    table: dict[str, list[str]] = {}
    for rule in SYNONYMS:
        if "=>" in rule:
            continue
        singles = [found[0] for found in map(words, rule.split(",")) if len(found) == 1]
        for word in singles:
            alternatives = table.setdefault(stem(word), [])
            alternatives.extend(w for w in singles if w not in alternatives)
    return {key: tuple(value) for key, value in table.items()}


def query_groups(query: str) -> list[list[str]]:
    """One list of alternative (folded) words per word of the query."""
    groups: list[list[str]] = []
    for word in words(query)[:MAX_WORDS]:
        base = [word, *(w for w in _synonyms().get(stem(word), ()) if w != word)]
        group = []
        for alternative in base:
            for one in (
                alternative,
                number_variant(alternative),
                participle(alternative),
            ):
                if one and one not in group:
                    group.append(one)
        if group not in groups:
            groups.append(group)
    return groups


def prefixes(query: str) -> list[str]:
    """The folded words of a query being typed, for suggestions: the last one
    is kept even if it is a stop word ("la" may be "lavage" being typed)."""
    typed = words(query, keep_stop_words=True)
    kept = [word for word in typed[:-1] if word not in STOP_WORDS] + typed[-1:]
    return kept[-MAX_WORDS:]
