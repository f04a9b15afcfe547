"""Free-text retrieval: finds what the brochure says, and nothing for what it doesn't."""
from __future__ import annotations

import pytest

from knowledge.queries import KnowledgeBase
from knowledge.search import Bm25, Retriever, stem, tokenize

UNRELATED = ["what's the weather in Paris", "who won the football", "how do I bake bread", "tell me rengo's history"]


def test_history_search_finds_the_event(kb: KnowledgeBase) -> None:
    hotline = kb.search_history("when was the hotline set up")
    assert (hotline[0].year, hotline[0].month) == (1990, "January")
    assert hotline[0].text.startswith('"Labor Consultation Hotline" set up')
    wor_q = kb.search_history("freelancer website")[0]
    assert (wor_q.year, wor_q.month, wor_q.text) == (2020, "October", '"Wor-Q" website launched for resolving freelancer issues')
    unibo = kb.search_history("when did the chatbot unibo launch")[0]
    assert (unibo.year, unibo.month) == (2021, "October") and "UniBo" in unibo.text
    assert kb.search_history("Great East Japan Earthquake")[0].year == 2011
    assert kb.search_history("LINE consultation")[0].text == "First labour consulting service through SNS (LINE)"


def test_history_search_returns_the_unplaced_event_without_a_year(kb: KnowledgeBase) -> None:
    best = kb.search_history("when was the 5th biennial convention")[0]
    assert (best.year, best.text) == (None, "RENGO held the 5th Biennial Convention")
    assert "flattened" in best.note


@pytest.mark.parametrize("query", UNRELATED[:3])
def test_unrelated_questions_find_nothing(kb: KnowledgeBase, query: str) -> None:
    assert kb.search_history(query) == []
    assert kb.search_passages(query) == []


def test_a_general_history_question_matches_no_single_event(kb: KnowledgeBase) -> None:
    assert kb.search_history("tell me rengo's history") == []


def test_passage_search_best_first(kb: KnowledgeBase) -> None:
    hits = kb.search_passages("protect personal information", limit=5)
    assert hits[0].passage.section == "principles" and "Article 6" in hits[0].passage.text
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and len(hits) <= 5
    assert kb.search_passages("what is the address")[0].passage.section == "access"
    assert kb.search_passages("mascot onion")[0].passage.section == "mascot"
    assert kb.search_passages("retired persons")[0].passage.text.startswith("RENGO related organisation Taishokusha-RENGO")
    assert len(kb.search_passages("biennial convention", limit=2)) == 2


def test_indexes_are_built_once_and_only_when_first_needed(kb: KnowledgeBase) -> None:
    fresh = KnowledgeBase(kb.engine)
    assert fresh._passage_index is None and fresh._history_index is None
    fresh.search_passages("hotline")
    index = fresh._passage_index
    assert index is not None and fresh._history_index is None
    fresh.search_passages("freelancer")
    assert fresh._passage_index is index


def test_tokenize_folds_case_plurals_spelling_and_ocr() -> None:
    assert tokenize("Freelancers' websites") == tokenize("freelancer website")
    assert tokenize("What is the Labour consultation?") == tokenize("labor consulting")
    assert tokenize("RENGU") == ["rengo"]
    assert tokenize("the of and what when") == []
    assert stem("launched") == stem("launch") and stem("organisations") == stem("organization")


def test_retriever_requires_most_of_the_query_to_match() -> None:
    texts = ["hotline for part-time workers", "election won by the party", "football stadium opened", "the union"]
    retriever = Retriever(texts, texts, min_score=0.1)
    assert [t for t, _ in retriever.search("part-time hotline")] == ["hotline for part-time workers"]
    assert retriever.search("who won the cricket") == []  # one of two words is not enough
    assert retriever.search("") == [] and retriever.search("hotline", limit=0) == []


def test_bm25_prefers_rarer_terms() -> None:
    index = Bm25([["union", "hotline"], ["union", "rally"], ["union", "convention"]])
    assert index.idf("hotline") > index.idf("union")
    assert index.score(0, ["hotline"])[0] > index.score(1, ["union"])[0]
    assert index.score(1, ["hotline"]) == (0.0, [])
