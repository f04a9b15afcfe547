"""Answers about RENGO's history: by year, by month, or by event."""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Text

from actions.base import KnowledgeAction, about
from actions.context import Turn
from actions.formatting import bullets

# Events scoring within this share of the best match are shown with it.
NEAR_TIE = 0.8
# How many events a general "tell me RENGO's history" answer shows.
HIGHLIGHTS = 6


# "When did X begin?": a question for the date something started, which only the history holds
# ("when was the Wor-Q website launched", 「LINE相談はいつ始まった？」), as opposed to when something
# is open or can be used ("when can I call the hotline", 「いつでも相談できますか」).
_WHEN_IT_BEGAN = re.compile(
    r"\b(?:when|what\s+year|which\s+year)\s+(?:was|were|did)\b.*\b(?:launch|start|set\s+up|beg[ai]n|open|"
    r"establish|creat|found|introduc)"
    r"|(?:いつ(?!でも|も)|何年|なんねん).*(?:開設|設立|開始|誕生|登場|でき(?:た|まし)|始ま(?:った|りまし)|"
    r"始め(?:た|まし)|スタートし|作られ|つくられ|立ち上げ)",
    re.IGNORECASE,
)


def asks_when_it_began(text: str) -> bool:
    return bool(_WHEN_IT_BEGAN.search(unicodedata.normalize("NFKC", text or "")))


def _span(turn: Turn) -> Dict[str, int]:
    years = [e.year for e in turn.kb.history() if e.year]
    return {"first_year": min(years), "last_year": max(years)}


def answer_year(turn: Turn, year: int) -> None:
    months = set(turn.all("month"))
    events = turn.kb.history(year=year)
    if months:
        in_month = [e for e in events if e.month and any(m in e.month_display for m in months)]
        events = in_month or events
    if events:
        turn.say("utter_history_events", events=bullets(turn.names.event_line(e) for e in events))
    elif year in turn.kb.history_years_without_events():
        turn.say("utter_history_year_without_events", year=year)
    else:
        turn.say("utter_history_year_unknown", year=year, **_span(turn))


def answer_event(turn: Turn) -> bool:
    """Answer "when was X" from the best-matching events; False if none match."""
    events = turn.kb.search_history(turn.text, limit=3, within=NEAR_TIE)
    if not events:
        return False
    dated = [e for e in events if e.year]
    undated = [e for e in events if not e.year]
    if dated:
        turn.say("utter_history_events", events=bullets(turn.names.event_line(e) for e in dated))
    if undated:  # their year was lost when the table was flattened: say so
        turn.say("utter_history_unplaced", events=bullets(turn.names.event_line(e) for e in undated))
    return True


def _asks_for_an_office_holder(turn: Turn, years: List[str]) -> bool:
    """A role or person named with a year that none of the year's events mention.

    "the ITUC President in 2022" is an event of 2022 and stays a history answer; "the president in
    1995" is not, so it asks who held the office then (dispatch.ORDER puts leadership first for the
    same reason)."""
    offices = [*turn.all("role"), *turn.all("person")]
    if not offices:
        return False
    texts = [e.text.casefold() for year in years for e in turn.kb.history(year=int(year))]
    return not any(office.casefold() in text for office in offices for text in texts)


class ActionAnswerHistory(KnowledgeAction):
    action_name = "action_answer_history"
    handles = frozenset({"year"})

    def respond(self, turn: Turn) -> List[Dict[Text, Any]]:
        years = turn.all("year")
        if years and _asks_for_an_office_holder(turn, years):
            from actions.dispatch import answer_by_entity

            # 「1995年の会長は誰」: answered by what it names, the role first (leadership, which says
            # it knows no past officers); the year's events would look like an answer to "who".
            return answer_by_entity(turn)
        if years:
            for year in years[:3]:
                answer_year(turn, int(year))
            return about("year", year=years[-1])
        if answer_event(turn):
            return about("history")
        events = turn.kb.history()
        turn.say(
            "utter_history_overview",
            events=bullets(turn.names.event_line(e) for e in events[:: max(1, len(events) // HIGHLIGHTS)][:HIGHLIGHTS]),
            **_span(turn),
        )
        return about("history")
