"""Free-text retrieval over passages and history events: a small BM25.

The corpus is a few hundred short texts, so a pure-Python BM25 is plenty and
adds no dependency. What matters more than ranking is saying "nothing" for
questions the brochure cannot answer ("what's the weather in Paris"): a hit
must match at least two of the query's content words (or its only one), cover
at least half of the query's weight, and pass a minimum score.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Generic, List, Optional, Sequence, Tuple, TypeVar

from knowledge.normalize import fix_ocr, straight_quotes

T = TypeVar("T")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves
    tell know please thanks thank explain say said give show want like get got let happen happened
    anything something everything much many also ever
    """.split()
)

_SPELLING = {"labour": "labor", "centre": "center", "programme": "program", "favour": "favor"}
_SUFFIXES = ("ational", "ation", "ings", "ing", "edly", "ed", "ers", "er", "ment", "ly")
_WORD = re.compile(r"[^\W_]+")


def stem(word: str) -> str:
    """A deliberately small English stemmer: plurals and common suffixes."""
    word = _SPELLING.get(word, word)
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 6:  # British -ise/-isation spelled as -ize/-ization
        word = re.sub(r"is(ation|e|ed|ing)$", r"iz\1", word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def tokenize(text: str) -> List[str]:
    """Lowercased, OCR-fixed, stopwords dropped, stemmed."""
    text = straight_quotes(fix_ocr(text)).lower()
    text = re.sub(r"'s\b", "", text)
    return [
        stem(word)
        for word in _WORD.findall(text)
        if word not in STOPWORDS and (len(word) > 1 or word.isdigit())
    ]


class Bm25:
    """Okapi BM25 over pre-tokenized documents."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.frequencies = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.average_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.document_frequency: Counter[str] = Counter()
        for frequencies in self.frequencies:
            self.document_frequency.update(frequencies.keys())

    def idf(self, term: str) -> float:
        """Inverse document frequency; an unseen term gets the highest value."""
        n = len(self.frequencies)
        df = self.document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def score(self, index: int, terms: Sequence[str]) -> Tuple[float, List[str]]:
        """BM25 score of one document and the query terms it contains."""
        frequencies, length = self.frequencies[index], self.lengths[index]
        total, matched = 0.0, []
        for term in terms:
            tf = frequencies.get(term, 0)
            if not tf:
                continue
            matched.append(term)
            norm = self.k1 * (1 - self.b + self.b * length / (self.average_length or 1))
            total += self.idf(term) * tf * (self.k1 + 1) / (tf + norm)
        return total, matched


class Retriever(Generic[T]):
    """Best-first search over items, returning nothing when nothing matches well."""

    def __init__(
        self,
        items: Sequence[T],
        texts: Sequence[str],
        *,
        min_score: float = 2.0,
        min_coverage: float = 0.5,
    ) -> None:
        if len(items) != len(texts):
            raise ValueError("one text per item")
        self.items = list(items)
        self.index = Bm25([tokenize(t) for t in texts])
        self.min_score = min_score
        self.min_coverage = min_coverage

    def search(self, query: str, limit: int = 3, min_coverage: Optional[float] = None) -> List[Tuple[T, float]]:
        """``min_coverage`` overrides the share of the query's weight the matched words must carry."""
        coverage = self.min_coverage if min_coverage is None else min_coverage
        terms = list(dict.fromkeys(tokenize(query)))
        if not terms or limit <= 0:
            return []
        weight = {t: self.index.idf(t) for t in terms}
        total_weight = sum(weight.values())
        needed = min(2, len(terms))
        hits: List[Tuple[float, int]] = []
        for i in range(len(self.items)):
            score, matched = self.index.score(i, terms)
            if len(matched) < needed or score < self.min_score:
                continue
            if sum(weight[t] for t in matched) / total_weight < coverage:
                continue
            hits.append((score, i))
        hits.sort(key=lambda hit: (-hit[0], hit[1]))
        return [(self.items[i], round(score, 4)) for score, i in hits[:limit]]
