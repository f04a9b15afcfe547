"""What the knowledge base answers, checked against the brochure's own words."""
from __future__ import annotations

import dataclasses
import re
from typing import List

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import config
from knowledge.queries import KnowledgeBase
from knowledge.records import Bridge, HistoryEvent, JapaneseName, Organisation
from knowledge.schema import Base, PassageRow, Section


# --- organisation facts ---------------------------------------------------------------


def test_organisation_facts_with_their_lines(kb: KnowledgeBase) -> None:
    facts = {f.key: (f.value, f.section, f.line) for f in kb.facts()}
    assert facts == {
        "name": ("Japanese Trade Union Confederation (JTUC-RENGO)", "cover", 4),
        "short_name": ("JTUC-RENGO", "cover", 4),
        "founded": ("1989", "overview", 59),
        "membership": ("roughly seven million", "overview", 61),
        "national_centre": ("Japanese National Center", "overview", 59),
        "structure": (
            "three-layer structure: enterprise-based unions, industrial federations, and national center",
            "organisation_chart",
            167,
        ),
        "affiliates_count": ("47", "organisation_chart", 167),
        "locals_count": ("47", "organisation_chart", 167),
        "slogan": ("Let's go forward together in all kinds of work", "slogan", 49),
        "vision": ("A Secure Society based on Work", "overview", 58),
        "address": ("3-2-11 Kanda-Surugadai, Chiyoda-ku, Tokyo 101-0062 JAPAN", "access", 8),
        "president": ("Tomoko YOSHINO", "leadership", 496),
        "action_policies_url": ("http://www.jtuc-rengo.org/about/action_policies.html", "action_policies", 248),
    }
    assert [f.key for f in kb.facts()][:3] == ["name", "short_name", "founded"]
    assert kb.fact("founded").value == "1989"
    assert kb.fact("no such fact") is None


def test_president_message_is_whole_and_signed(kb: KnowledgeBase) -> None:
    message = kb.president_message()
    assert message.section == "president_message"
    assert message.text.startswith("While the COVID-19 infection has not yet ended")
    assert message.text.endswith("President, JTUC-RENGO Tomoko Yoshino")
    assert '"Let\'s go forward together in all kinds of work"' in message.text
    assert len(message.text.split("\n\n")) == 6
    assert "RENGU" not in message.text and "We at RENGO uphold" in message.text


def test_mission_has_five_numbered_items(kb: KnowledgeBase) -> None:
    mission = kb.mission()
    assert [m.number for m in mission] == [1, 2, 3, 4, 5]
    assert mission[0].text.startswith("We have inherited the tradition of free and democratic")
    assert "full employment" in mission[1].text
    assert mission[4].text.endswith("mutual prosperity of all peoples.")


def test_principles_articles_and_preamble(kb: KnowledgeBase) -> None:
    principles = kb.principles()
    assert [p.article for p in principles] == [1, 2, 3, 4, 5, 6, 7]
    assert "protect personal information" in kb.principle(6).text
    assert kb.principle(1).text.endswith('the goal of "RENGO\'s Path".')
    assert "race, gender, physical traits" in kb.principle(5).text
    assert kb.principle(8) is None
    preamble = kb.preamble()
    assert preamble.established == "9th RENGO Biennial Convention on 6 October 2005"
    assert preamble.text.startswith("Trade unions are organizations that play the role of checking")
    assert preamble.text.endswith("in accordance with these RENGO Principles.")
    assert "Established" not in preamble.text


# --- vision and action policies ----------------------------------------------------------


def test_vision_has_five_bridges_and_one_foundation(kb: KnowledgeBase) -> None:
    vision = kb.vision()
    assert (vision.title, vision.subtitle) == ("A Secure Society Based on Work", "Protecting, Connecting, and Creating")
    assert vision.intro.startswith("The society we RENGO aim is a lively participatory society")
    assert vision.intro.endswith('the Five Secure Bridges that connect to "Work" need to be developed.')
    assert [(b.key, b.number, len(b.items)) for b in vision.bridges] == [
        ("I", 1, 7), ("II", 2, 4), ("III", 3, 6), ("IV", 4, 5), ("V", 5, 4), ("Foundation", None, 5),
    ]
    assert [b.title for b in vision.bridges] == [
        "Connect Education and Work",
        "Connect Life and Work",
        "Change Workstyles",
        "Connect Unemployment to Job Opportunities",
        "Create Healthy and Longevous Society",
        'Support for "A Secure Society Based on Work"',
    ]


def test_bridge_lookup(kb: KnowledgeBase) -> None:
    assert kb.bridge("II") == kb.bridge("ii") == kb.bridge(2)
    assert kb.bridge("II").items[2] == "Provide society-wide support system for children, child-care and nursing care"
    assert kb.bridge("V").items[0] == "Develop a society that everyone can work throughout life time as they wish"
    foundation = kb.bridge("foundation")
    assert isinstance(foundation, Bridge) and foundation.items[-1].startswith("Prepare for natural disasters")
    assert kb.bridge("VI") is None


def test_action_policy_areas_items_and_sdgs(kb: KnowledgeBase) -> None:
    areas = kb.action_policies()
    assert [(a.kind, a.number, len(a.items)) for a in areas] == [
        ("priority", 1, 5), ("priority", 2, 4), ("priority", 3, 4),
        ("advancement", 1, 4), ("advancement", 2, 4), ("advancement", 3, 3), ("advancement", 4, 4),
    ]
    assert [a.sdgs for a in areas] == [
        (5, 8, 10, 12, 13, 16, 17),
        tuple(range(1, 16)),
        (1, 2, 4, 5, 8, 10),
        (1, 2, 5, 10, 14, 15, 16),
        (10, 16, 17),
        (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 16, 17),
        (4, 8, 16, 17, 9, 10),
    ]
    assert areas[0].title == "Pursuit of Collective Industrial Relations that will Protect and Connect All Working Colleagues"
    assert areas[2].items[3] == "Efforts toward Strengthening of Responses to RENGO's Labour Consultations"
    assert areas[6].title.startswith("Promoting Workers' Education")


def test_policy_intro_without_the_link(kb: KnowledgeBase) -> None:
    intro = kb.policy_intro()
    assert intro.section == "action_policies"
    assert intro.text.startswith("Let's walk together and change together")
    assert "look forward to the future with hope.\n\nWe have restructured our seven movement" in intro.text
    assert intro.text.endswith("will work together with a sense of unity.")
    assert "http" not in intro.text and "Full text" not in intro.text


# --- history --------------------------------------------------------------------------


def events(kb: KnowledgeBase, year: int, month: str) -> List[str]:
    return [e.text for e in kb.history(year) if e.month == month]


def test_history_events_split_by_month_and_join(kb: KnowledgeBase) -> None:
    assert events(kb, 1990, "January") == [
        '"Labor Consultation Hotline" set up for workers in smaller businesses and part-time workers'
    ]
    assert events(kb, 2018, "November") == ["First labour consulting service through SNS (LINE)"]
    assert events(kb, 2020, "October") == ['"Wor-Q" website launched for resolving freelancer issues']
    assert events(kb, 2021, "October") == [
        'Labour-consultation chatbot "UniBo" launched',
        "RENGO held the 17th Biennial Convention",
    ]
    assert events(kb, 2019, "October") == [
        "RENGO held the 16th Biennial Convention",
        '"RENGO Action" started',
        "RENGO Headquarters for Response to Typhoon Hagibis established, fund-raising and volunteer activities developed",
    ]
    assert events(kb, 2007, "October") == [
        "The Department of Non-Regular Employment established at the HQ",
        "RENGO held the 10th Biennial Convention",
    ]
    assert events(kb, 2011, "March")[0].startswith("The Great East Japan Earthquake hit")
    assert events(kb, 1989, "November") == [
        "Japanese Trade Union Confederation (RENGO) inaugurated, achieving the unification between private "
        "and public sector trade unions. (78 affiliates with 8 million members)"
    ]
    assert events(kb, 2016, "August") == ["Conducted Japan's first workplace awareness survey on LGBT"]


def test_history_first_event_has_no_month_and_spans_keep_their_form(kb: KnowledgeBase) -> None:
    first = kb.history(1987)
    assert first[0].month is None and first[0].text.startswith("Japanese Private Sector Trade Union Confederation")
    assert first[1] == HistoryEvent(1987, "December", first[1].text, None)
    assert "RENGO-RIALS" in first[1].text
    kumamoto = kb.history(2016)[0]
    assert (kumamoto.month, kumamoto.month_display) == ("Apr.-May", "April\u2013May")
    assert "Kumamoto Earthquake" in kumamoto.text and "RENGO supported" in kumamoto.text
    assert [e.month for e in kb.history(2020)] == ["March", "April", "Jul.-Sep.", "October"]


def test_history_is_ordered_and_filters_by_month(kb: KnowledgeBase) -> None:
    history = kb.history()
    years = [e.year for e in history]
    assert years == sorted(years) and len(history) == 64
    assert years[0] == 1987 and years[-1] == 2023 and None not in years
    in_february = [(e.year, e.month) for e in kb.history(month="feb")]
    assert in_february == [(1995, "Jan.-Mar."), (1996, "February"), (1997, "February"), (2007, "Jan.-Feb."), (2023, "Jan.-Feb.")]
    assert [e.text for e in kb.history(2016, month="May")] == [kb.history(2016)[0].text]
    assert kb.history(month="not a month") == []


def test_unplaced_fragment_keeps_no_year(kb: KnowledgeBase) -> None:
    unplaced = kb.unplaced_history()
    assert [(e.year, e.month, e.text) for e in unplaced] == [
        (None, "July", '"Forum on Women\'s Participation and Shorter Working Hours" held'),
        (None, "October", "RENGO held the 5th Biennial Convention"),
    ]
    for event in unplaced:
        assert "first row" in event.note and "line 470" in event.note and "flattened" in event.note
    assert not any(re.search(r"\b5th Biennial", e.text) for e in kb.history())
    assert [e.month for e in kb.history(1997)] == ["February"]


def test_years_listed_without_events(kb: KnowledgeBase) -> None:
    assert kb.history_years_without_events() == list(range(1998, 2007))
    assert kb.history(2001) == []
    assert kb.history(1988) == []


# --- people and organisations --------------------------------------------------------------


def test_leadership_counts_and_people(kb: KnowledgeBase) -> None:
    roles = [l.role for l in kb.leaders()]
    assert {r: roles.count(r) for r in roles} == {
        "President": 1, "General Secretary": 1, "Deputy President": 2, "Vice President": 15,
        "Assistant General Secretary": 6,
    }
    assert [l.order for l in kb.leaders()] == list(range(1, 26))
    president = kb.leader("Tomoko YOSHINO")
    assert (president.family_name, president.given_name, president.role, president.affiliate) == (
        "Yoshino", "Tomoko", "President", "JAM",
    )
    assert kb.leader("yoshino tomoko") == president
    secretary = kb.leaders(role="General Secretary")[0]
    assert (secretary.name, secretary.affiliate) == ("Hideyuki SHIMIZU", "NIKKYOSO")
    assert [l.name for l in kb.leaders(role="Deputy Presidents")] == ["Akihiko MATSUURA", "Chihiro ISHIGAMI"]
    jimbo = kb.leader("Masashi JIMBO")
    assert (jimbo.role, jimbo.affiliate) == ("Vice President", "DENKI RENGO")
    assert kb.leaders(role="Vice President")[-1].name == "Tsukasa TAKIMOTO"
    assert kb.leader("Yoko MURAKAMI").affiliate == "RENGO Secretariat"
    assert [l.affiliate for l in kb.leaders() if "RENGO" in l.affiliate] == [
        "DENKI RENGO", "DENKI RENGO", "JEC RENGO", "FOOD RENGO", "SERVICE RENGO", "KOKKO RENGO", "RENGO Secretariat",
    ]
    assert [l.name for l in kb.leaders(affiliate="joho roren")] == ["Kyoichi ANDO", "Mikiko OKATA", "Shinichi KITANO"]
    assert kb.leader("Nobody HERE") is None


def test_affiliates_and_associated_organisations(kb: KnowledgeBase) -> None:
    organisations = kb.organisations()
    assert [o.number for o in organisations] == list(range(1, 48))
    assert len(kb.organisations("affiliate")) == 45
    assert [o.short_name for o in kb.organisations("associated")] == ["NIKKENKYO", "NIKKOKYO"]
    assert kb.organisation_by_number(19) == Organisation(
        19, "KOKU RENGO", "Japan Federation of Aviation Industry Unions", "JFAIU", "affiliate", "October 2023"
    )
    assert [o.acronym for o in organisations if o.acronym] == [
        "JAW", "JBU", "JTU", "JFU", "FNIU", "JRTU", "JFAIU", "JSU", "JFT", "JEWU", "JRU", "JSTU",
    ]
    assert kb.organisation_by_number(31).full_name == "National Federation of Agricultural, Forestry and Fishery"
    assert kb.organisation_by_number(36).short_name == "SINRIN ROREN"
    assert kb.organisation_by_number(47).full_name == "Japan Senior High School Teachers Union"
    assert kb.organisation("denki rengu").number == 4
    assert kb.organisation("JAW").short_name == "JIDOSHA SOREN"
    assert kb.organisation("NOT A UNION") is None and kb.organisation_by_number(48) is None
    assert {o.as_of for o in organisations} == {"October 2023"}


def test_related_organisations(kb: KnowledgeBase) -> None:
    related = {r.name: r for r in kb.related_organisations()}
    assert list(related) == [
        "RENGO-RIALS", "JILAF", "ILEC", "Taishokusha-RENGO", "Chuo-Rofukukyo", "Labour Bank", "Kokumin Kyosai co-op",
    ]
    assert {n: r.founded for n, r in related.items()} == {
        "RENGO-RIALS": "December 1987", "JILAF": "May 1989", "ILEC": "December 1995", "Taishokusha-RENGO": "1991",
        "Chuo-Rofukukyo": None, "Labour Bank": "1950", "Kokumin Kyosai co-op": None,
    }
    rials = related["RENGO-RIALS"]
    assert (rials.local_name, rials.url) == ("連合総研", "https://rengo-soken.or.jp/english/")
    assert rials.full_name == "RENGO Research Institute for Advancement of Living Standards"
    assert related["ILEC"].url is None and related["Chuo-Rofukukyo"].url is None
    assert related["Taishokusha-RENGO"].full_name == "Japanese Confederation of Retired Persons (JCRP)"
    assert "rebranded from Zenrosai" in related["Kokumin Kyosai co-op"].description
    assert kb.related_organisation("rengo-rials") == rials == kb.related_organisation("連合総研")
    assert kb.related_organisation("labour bank").url == "https://all.rokin.or.jp/english/index.html"


def test_locals_from_the_curated_list(kb: KnowledgeBase) -> None:
    locals_ = kb.locals()
    assert len(locals_) == 47
    assert (locals_[0].prefecture, locals_[12].prefecture, locals_[-1].prefecture) == ("Hokkaido", "Tokyo", "Okinawa")
    assert {l.region for l in locals_} == {
        "Hokkaido", "Tohoku", "Kanto", "Chubu", "Kinki", "Chugoku", "Shikoku", "Kyushu-Okinawa",
    }
    osaka = kb.local("Osaka")
    assert (osaka.name, osaka.region) == ("RENGO Osaka", "Kinki")
    assert kb.local("osaka-fu") == kb.local("Osaka Prefecture") == kb.local("大阪府") == osaka
    assert kb.local("Atlantis") is None
    assert all(l.source.startswith("https://") and l.name == f"RENGO {l.prefecture}" for l in locals_)
    curated = yaml.safe_load((config.curated_dir() / "locals.yml").read_text(encoding="utf-8"))
    assert {"code", "prefecture", "region", "existence", "name"} <= set(curated["sources"])
    assert "jtuc-rengo.or.jp" in curated["sources"]["name"] and "JIS X 0401" in curated["sources"]["code"]


def test_consultation_routes(kb: KnowledgeBase) -> None:
    routes = {r.key: r for r in kb.consultation_routes()}
    assert list(routes) == ["hotline", "line", "unibo", "wor_q", "local"]
    assert routes["hotline"].phone == "0120-154-052"
    assert routes["hotline"].source == "https://www.jtuc-rengo.or.jp/soudan/"
    assert "January 1990" in routes["hotline"].description
    assert "November 2018" in routes["line"].description and "LINE" in routes["line"].how
    unibo = next(c for c in kb.contacts() if c.kind == "unibo")
    assert routes["unibo"].url == unibo.value and "October 2021" in routes["unibo"].description
    assert routes["wor_q"].url == "https://wor-q.jp/" and "October 2020" in routes["wor_q"].description
    assert "47 locals" in routes["local"].description
    assert all(r.source.startswith("https://") for r in routes.values())
    curated = yaml.safe_load((config.curated_dir() / "consultation.yml").read_text(encoding="utf-8"))
    assert {str(r["recorded"]) for r in curated["routes"]} == {"2026-11-26"}


def test_contacts_and_mascot(kb: KnowledgeBase) -> None:
    contacts = [(c.kind, c.label, c.value) for c in kb.contacts()]
    assert contacts[:4] == [
        ("address", "Address", "3-2-11 Kanda-Surugadai, Chiyoda-ku, Tokyo 101-0062 JAPAN"),
        ("website_ja", "RENGO Website (Japanese)", "https://www.jtuc-rengo.or.jp"),
        ("website_en", "RENGO Website (English)", "https://www.jtuc-rengo.org"),
        ("sns", "RENGO SNS (Japanese)", "https://www.jtuc-rengo.or.jp/link"),
    ]
    assert contacts[4][0] == "unibo" and contacts[4][2].startswith("https://cbgw.kuzen.io/plugins/")
    assert kb.contacts()[1].source.endswith("line 13")
    mascot = kb.mascot()
    assert mascot.name == "UNIONION"
    assert mascot.description == (
        'I am UNIONION, RENGO PR Ambassador! My name "UNIONION" is combination of "Union" and "Onion" '
        'whose etymology is "unity" in Latin language.'
    )


# --- the stored text as a whole ------------------------------------------------------------


def test_no_ocr_slip_or_markup_anywhere_in_the_database(kb: KnowledgeBase) -> None:
    slips = re.compile(r"RENGU|\bRENO\b|\bRengo\b|<b>|</b>|\*\*|\\_")
    found = []
    with kb.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                found += [(table.name, v) for v in row if isinstance(v, str) and slips.search(v)]
    assert found == []


def test_sections_start_where_the_brochure_has_them(kb: KnowledgeBase) -> None:
    with Session(kb.engine) as s:
        lines = {row.key: row.line for row in s.scalars(select(Section))}
    assert lines["president_message"] == 83
    assert lines["vision"] == 173
    assert lines["action_policies"] == 242  # the untitled intro before "Action Policies 2024-2025"
    assert lines["history"] == 468
    assert lines["affiliates"] == 537 and lines["associated"] == 791
    assert list(lines.values()) == sorted(lines.values())


def test_every_section_with_prose_has_passages(kb: KnowledgeBase) -> None:
    with Session(kb.engine) as s:
        passages = [(p.section, p.text) for p in s.scalars(select(PassageRow))]
    sections = {section for section, _ in passages}
    assert sections == {
        "access", "mascot", "slogan", "overview", "president_message", "mission", "principles", "preamble",
        "about", "organisation_chart", "vision", "action_policies", "history", "leadership", "affiliates",
        "associated", "locals", "related_organisations",
    }
    text = "\n".join(t for _, t in passages)
    for words in (
        "While the COVID-19 infection", "President, JTUC-RENGO Tomoko Yoshino", "three-layer structure",
        "Five Secure Bridges", "Bridge IV: Connect Unemployment", "Foundation: Support for",
        "restructured our seven movement", "Labour Banks, started in 1950", "I am UNIONION",
        "January 1990: \"Labor Consultation Hotline\"", "year unknown", "checking the actions of management",
    ):
        assert words in text, words
    prose = [t for section, t in passages if section in ("president_message", "preamble", "overview", "about")]
    prose += [t for section, t in passages if section == "action_policies" and not t.startswith("Action Policies 2024-2025, ")]
    assert len(prose) == 10
    assert max(len(re.split(r"(?<=[.!?])\s+(?=[\"A-Z])", t)) for t in prose) <= 5  # a few sentences each


def test_organisations_for_an_industry(kb: KnowledgeBase) -> None:
    assert [o.short_name for o in kb.organisations_for_industry("healthcare")] == ["HEALTH CARE ROKYO"]
    assert kb.industry_label("healthcare") == "Health care"
    assert kb.organisations_for_industry("no-such-industry") == [] and kb.industry_label("no-such-industry") is None


# --- Japanese names ------------------------------------------------------------------------


def test_japanese_name_of_an_affiliate(kb: KnowledgeBase) -> None:
    name = kb.japanese_name("affiliate", "DENKI RENGO")
    assert isinstance(name, JapaneseName)
    assert (name.kind, name.key, name.ja, name.ja_short) == (
        "affiliate", "DENKI RENGO", "全日本電機・電子・情報関連産業労働組合連合会", "電機連合",
    )
    assert name.reading is None and name.reading_short == "でんきれんごう"
    assert name.verified and name.source and all(u.startswith("http") for u in name.source)
    assert name.former_names == ("電機労連", "全日本電機機器労働組合連合会")
    with pytest.raises(dataclasses.FrozenInstanceError):
        name.ja = "x"  # type: ignore[misc]


def test_unverified_names_are_queryable_with_their_flag(kb: KnowledgeBase) -> None:
    ja_rengo = kb.japanese_name("affiliate", "JA RENGO")
    assert ja_rengo is not None and ja_rengo.verified is False and ja_rengo.source == ()
    nodanro = kb.japanese_name("affiliate", "ZENKOKU NODANRO")
    assert nodanro.ja_short == "全国農団労" and not nodanro.verified and nodanro.source


@pytest.mark.parametrize(
    "kind, key, ja, ja_short, reading, reading_short",
    [
        ("rengo", "RENGO", "日本労働組合総連合会", "連合", "にっぽんろうどうくみあいそうれんごうかい", "れんごう"),
        ("related", "RENGO-RIALS", "連合総合生活開発研究所", "連合総研", None, None),
        ("role", "Vice President", "副会長", None, None, None),
        ("person", "Tomoko YOSHINO", "芳野友子", None, "よしの ともこ", None),
        ("prefecture", "Osaka", "大阪府", "大阪", "おおさかふ", "おおさか"),
        ("prefecture", "Hokkaido", "北海道", "北海道", "ほっかいどう", "ほっかいどう"),
        ("city", "Yokohama", "横浜市", None, "よこはまし", None),
    ],
)
def test_japanese_names_of_each_kind(
    kb: KnowledgeBase, kind: str, key: str, ja: str, ja_short, reading, reading_short
) -> None:
    name = kb.japanese_name(kind, key)
    assert (name.ja, name.ja_short, name.reading, name.reading_short) == (ja, ja_short, reading, reading_short)
    assert name.verified


def test_japanese_name_lookups_that_find_nothing(kb: KnowledgeBase) -> None:
    assert kb.japanese_name("person", "Mikiko OKATA") is None  # no public source: no kanji
    assert kb.japanese_name("affiliate", "Tomoko YOSHINO") is None  # wrong kind
    assert kb.japanese_name("affiliate", "denki rengo") is None  # keys are exact
    with pytest.raises(ValueError, match="kind must be one of"):
        kb.japanese_name("union", "JAM")
    with pytest.raises(ValueError, match="kind must be one of"):
        kb.japanese_names("union")


def test_japanese_names_in_the_file_order(kb: KnowledgeBase) -> None:
    affiliates = kb.japanese_names("affiliate")
    assert [n.key for n in affiliates] == [o.short_name for o in kb.organisations()]
    everything = kb.japanese_names()
    assert len(everything) == 158
    assert [n.kind for n in everything[:2]] == ["rengo", "affiliate"]
    assert {n.kind for n in everything} == {"rengo", "affiliate", "related", "role", "person", "prefecture", "city"}
    assert kb.japanese_name("city", "Urawa").aliases == ("さいたま市浦和区", "浦和市", "浦和")
