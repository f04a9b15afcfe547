"""The entity linker on Japanese text (issue 6).

Japanese aliases come from ``curated/names_ja.yml`` as loaded into the knowledge base (the session
``kb`` fixture) and from ``keywords_ja`` in ``curated/industries.yml``; their values are the same
English keys as the English aliases', so nothing downstream changes. The first tests pin the
character-level matcher on hand-written aliases; the rest use the real knowledge base.
"""

from __future__ import annotations

import time

import pytest

from knowledge.aliases import load_cities, load_industries, load_linker
from knowledge.linker import (
    BLOCKED,
    AliasEntry,
    EntityLinker,
    LinkedEntity,
    fold_japanese,
    is_japanese_alias,
)
from knowledge.queries import KnowledgeBase


def found(linker: EntityLinker, text: str) -> list[tuple[str, str]]:
    return [(e.entity, e.value) for e in linker.link(text)]


# --------------------------------------------------------------------------- the matcher itself

ALIASES = [
    AliasEntry("JIDOSHA SOREN", "organisation", "JIDOSHA SOREN"),
    AliasEntry("自動車総連", "organisation", "JIDOSHA SOREN"),
    AliasEntry("自動車", "industry", "automobile"),
    AliasEntry("UAゼンセン", "organisation", "UA ZENSEN"),
    AliasEntry("JP労組", "organisation", "JP ROUSO"),
    AliasEntry("JAM", "organisation", "JAM"),
    AliasEntry("全日本電機・電子・情報関連産業労働組合連合会", "organisation", "DENKI RENGO"),
    AliasEntry("会長", "role", "President"),
    AliasEntry("副会長", "role", "Vice President"),
    AliasEntry("東京都", "prefecture", "Tokyo"),
    AliasEntry("東京", "prefecture", "Tokyo"),
    AliasEntry("京都", "prefecture", "Kyoto"),
    AliasEntry("こうち", "prefecture", "Kochi"),
    AliasEntry("芳野友子", "person", "Tomoko YOSHINO"),
    AliasEntry("よしの ともこ", "person", "Tomoko YOSHINO"),
    AliasEntry("バス", "industry", "bus"),
    AliasEntry("介護", "industry", "healthcare"),
    AliasEntry("介護休業", BLOCKED, ""),
    # One Japanese alias for two organisations: it links nothing, but still blocks its span.
    AliasEntry("共通", "organisation", "A"),
    AliasEntry("共通", "organisation", "B"),
    AliasEntry("共通語", "industry", "x"),
]


@pytest.fixture(scope="module")
def linker() -> EntityLinker:
    return EntityLinker(ALIASES)


@pytest.mark.parametrize(
    "raw, folded",
    [
        ("ＵＡゼンセン", "uaゼンセン"),
        ("ｾﾞﾝｾﾝ", "ゼンセン"),
        ("よしの ともこ", "よしのともこ"),
        ("電機・電子", "電機電子"),
        ("電機･電子", "電機電子"),  # half-width middle dot
        ("JP労組", "jp労組"),
    ],
)
def test_fold_japanese(raw: str, folded: str) -> None:
    assert fold_japanese(raw) == folded


def test_which_aliases_are_japanese() -> None:
    assert is_japanese_alias("自動車総連") and is_japanese_alias("UAゼンセン")
    assert not is_japanese_alias("ＪＡＭ") and not is_japanese_alias("UA ZENSEN")


def test_alias_inside_a_sentence_without_spaces(linker: EntityLinker) -> None:
    [entity] = linker.link("自動車総連について教えて")
    assert entity == LinkedEntity("organisation", "JIDOSHA SOREN", 0, 5, "自動車総連", 1.0)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("東京都に住んでいます", [("prefecture", "Tokyo")]),  # not 京都 inside it
        ("京都", [("prefecture", "Kyoto")]),
        ("副会長は誰", [("role", "Vice President")]),  # not 会長 inside it
        ("自動車工場", [("industry", "automobile")]),
        ("自動車総連の会長", [("organisation", "JIDOSHA SOREN"), ("role", "President")]),
        ("共通", []),
        ("共通語", [("industry", "x")]),
    ],
)
def test_longest_then_leftmost(linker: EntityLinker, text: str, expected: list) -> None:
    assert found(linker, text) == expected


def test_mixed_scripts(linker: EntityLinker) -> None:
    assert found(linker, "JAMの会長は？") == [("organisation", "JAM"), ("role", "President")]
    assert found(linker, "ＪＡＭの会長は？") == [("organisation", "JAM"), ("role", "President")]
    assert found(linker, "UAゼンセンについて") == [("organisation", "UA ZENSEN")]
    assert found(linker, "jidosha soren と自動車総連") == [
        ("organisation", "JIDOSHA SOREN"),
        ("organisation", "JIDOSHA SOREN"),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("芳野 友子さん", [("person", "Tomoko YOSHINO")]),  # spaces are ignored
        ("よしのともこ", [("person", "Tomoko YOSHINO")]),
        ("全日本電機電子情報関連産業労働組合連合会", [("organisation", "DENKI RENGO")]),  # ・ too
        ("全日本電機･電子･情報関連産業労働組合連合会", [("organisation", "DENKI RENGO")]),
    ],
)
def test_spaces_and_middle_dots_are_ignored(linker: EntityLinker, text: str, expected: list) -> None:
    assert found(linker, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("バスの運転手", [("industry", "bus")]),
        ("バスタオル", []),  # a katakana alias never cuts a katakana word
        ("ユニットバス", []),
        ("JP労組", [("organisation", "JP ROUSO")]),
        ("XJP労組", []),  # nor a Latin one a Latin word
        ("こうち", [("prefecture", "Kochi")]),
        ("こうちょう", []),  # a kana alias does not end before a small kana (ちょ is one syllable)
        ("介護の仕事", [("industry", "healthcare")]),
        ("介護休業を取りたい", []),  # blocked phrase
    ],
)
def test_word_boundaries_and_blocked_phrases(
    linker: EntityLinker, text: str, expected: list
) -> None:
    assert found(linker, text) == expected


def test_no_character_fuzzy_matching_for_japanese(linker: EntityLinker) -> None:
    # Only a homophone (same reading, other kanji: 総練 for 総連) finds a Japanese name; a
    # character that changes the reading does not.
    assert found(linker, "自動車総練") == [("organisation", "JIDOSHA SOREN")]
    assert found(linker, "自動車総運") == [("industry", "automobile")]
    assert found(linker, "芳野友") == []


@pytest.mark.parametrize(
    "text",
    [
        "ＵＡゼンセンの会長",  # full-width Latin: same length after folding
        "ｾﾞﾝｾﾝ、UAｾﾞﾝｾﾝの会長",  # half-width kana: the folded text is shorter
        "ﾊﾞｽで通勤、芳野　友子さんと自動車総連",
        "東京都、ﾄｳｷｮｳ、JAMの副会長",
    ],
)
def test_offsets_slice_the_original_text(linker: EntityLinker, text: str) -> None:
    entities = linker.link(text)
    assert entities
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text
    for before, after in zip(entities, entities[1:]):
        assert before.end <= after.start


def test_half_width_kana_offsets(linker: EntityLinker) -> None:
    text = "ｷｮｳはUAｾﾞﾝｾﾝの会長"
    assert [(e.value, e.start, e.end, e.text) for e in linker.link(text)] == [
        ("UA ZENSEN", 4, 11, "UAｾﾞﾝｾﾝ"),
        ("President", 12, 14, "会長"),
    ]


# --------------------------------------------------------------------------- the real knowledge base


@pytest.fixture(scope="module")
def kb_linker(kb: KnowledgeBase) -> EntityLinker:
    return load_linker(kb)


def real(kb_linker: EntityLinker, text: str) -> list[tuple[str, str]]:
    return found(kb_linker, text)


def test_every_affiliate_name_links_to_its_key(kb: KnowledgeBase, kb_linker: EntityLinker) -> None:
    names = kb.japanese_names("affiliate")
    assert len(names) == 47
    for name in names:
        for text in {name.ja, name.ja_short, *name.former_names}:
            assert real(kb_linker, text) == [("organisation", name.key)], text
            assert real(kb_linker, f"{text}について教えて") == [("organisation", name.key)], text


def test_every_related_organisation_name_links_to_its_key(
    kb: KnowledgeBase, kb_linker: EntityLinker
) -> None:
    for name in kb.japanese_names("related"):
        for text in {name.ja, name.ja_short, *name.aliases, *name.former_names}:
            assert real(kb_linker, text) == [("related_org", name.key)], text


def test_unverified_names_are_recognised_too(kb: KnowledgeBase, kb_linker: EntityLinker) -> None:
    unverified = [n for n in kb.japanese_names("affiliate") if not n.verified]
    assert {n.key for n in unverified} == {"ZENKOKU NODANRO", "ZENKOKU KEIBA RENGO", "JA RENGO"}
    assert real(kb_linker, "全国農団労") == [("organisation", "ZENKOKU NODANRO")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("自動車総連", [("organisation", "JIDOSHA SOREN")]),
        ("日教組の組合員です", [("organisation", "NIKKYOSO")]),
        ("電力総連について", [("organisation", "DENRYOKU SOREN")]),
        ("UAゼンセンについて", [("organisation", "UA ZENSEN")]),
        ("ＵＡゼンセン", [("organisation", "UA ZENSEN")]),
        ("UIゼンセン同盟", [("organisation", "UA ZENSEN")]),  # former name
        ("JP労組", [("organisation", "JP ROUSO")]),
        ("連合・自治労連", [("organisation", "JICHI ROREN")]),
        ("自治労", [("organisation", "JICHIRO")]),
        ("連合総研", [("related_org", "RENGO-RIALS")]),
        ("全労済", [("related_org", "Kokumin Kyosai co-op")]),
        ("ろうきん", [("related_org", "Labour Bank")]),
    ],
)
def test_organisations(kb_linker: EntityLinker, text: str, expected: list) -> None:
    assert real(kb_linker, text) == expected


def test_organisations_by_their_kana_reading(kb: KnowledgeBase, kb_linker: EntityLinker) -> None:
    """People who do not convert to kanji type the reading: じどうしゃそうれん, じちろうって何？"""
    with_reading = [n for n in kb.japanese_names("affiliate") if n.reading_short]
    assert len(with_reading) >= 25
    for name in with_reading:
        if name.reading_short in ("ジャム",):  # the food; JAM is written in Latin letters
            continue
        assert real(kb_linker, f"{name.reading_short}って何？") == [("organisation", name.key)], name.key
    assert real(kb_linker, "じちろうれんは連合に入ってる？") == [("organisation", "JICHI ROREN")]
    assert real(kb_linker, "ユーエーゼンセンって連合の加盟組織？") == [("organisation", "UA ZENSEN")]
    assert real(kb_linker, "ジャムの作り方") == []
    assert real(kb_linker, "ジラフって動物") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # a homophone's kanji, as an input method's slip gives it: the reading finds the name
        ("電気連合ってどんな組合？", [("organisation", "DENKI RENGO")]),
        ("自動社総連", [("organisation", "JIDOSHA SOREN")]),
        ("航空連号について", [("organisation", "KOKU RENGO")]),  # 航空 alone is an industry
        ("電力双連", [("organisation", "DENRYOKU SOREN")]),
        # read word by word 日教祖 is ニチ・キョウソ; spoken as one name it is ニッキョウソ (日教組)
        ("日教祖について教えて", [("organisation", "NIKKYOSO")]),
        # the right kanji stay exact matches; words that merely contain part of a name do not
        ("電機連合の会長", [("organisation", "DENKI RENGO"), ("role", "President")]),
        ("電気の仕事をしています", []),
        ("水道の仕事", [("industry", "water-supply")]),
    ],
)
def test_organisations_typed_with_a_homophone(kb_linker: EntityLinker, text: str, expected: list) -> None:
    assert real(kb_linker, text) == expected


def test_a_homophone_match_scores_below_an_exact_one(kb_linker: EntityLinker) -> None:
    (slip,) = kb_linker.link("電気連合")
    (exact,) = kb_linker.link("電機連合")
    assert exact.score == 1.0 and 0.5 < slip.score < 1.0
    assert (slip.start, slip.end, slip.text) == (0, 4, "電気連合")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("芳野友子", [("person", "Tomoko YOSHINO")]),
        ("芳野友子さんのメッセージ", [("person", "Tomoko YOSHINO")]),
        ("芳野", [("person", "Tomoko YOSHINO")]),
        ("芳野会長", [("person", "Tomoko YOSHINO"), ("role", "President")]),
        ("よしの ともこ", [("person", "Tomoko YOSHINO")]),
        ("よしのともこ", [("person", "Tomoko YOSHINO")]),
        ("ヨシノトモコ", [("person", "Tomoko YOSHINO")]),
        ("よしの会長", [("person", "Tomoko YOSHINO"), ("role", "President")]),
        ("Tomoko YOSHINO", [("person", "Tomoko YOSHINO")]),
        ("YOSHINO会長のあいさつ", [("person", "Tomoko YOSHINO"), ("role", "President")]),
        ("YOSHINO", [("person", "Tomoko YOSHINO")]),
        ("清水事務局長", [("person", "Hideyuki SHIMIZU"), ("role", "General Secretary")]),
        ("安河内賢弘", [("person", "Katahiro YASUKOCHI")]),
        ("安河内さん", [("person", "Katahiro YASUKOCHI")]),
        ("滝本司", [("person", "Tsukasa TAKIMOTO")]),
        ("瀧本さん", [("person", "Tsukasa TAKIMOTO")]),
        ("木村さん", [("person", "Hitomi KIMURA")]),
        # 石川 is also a prefecture: the family name alone is the prefecture, the full name the person.
        ("石川幸徳", [("person", "Yukinori ISHIKAWA")]),
        ("石川", [("prefecture", "Ishikawa")]),
    ],
)
def test_people(kb_linker: EntityLinker, text: str, expected: list) -> None:
    assert real(kb_linker, text) == expected


def test_family_names_of_the_people(kb: KnowledgeBase, kb_linker: EntityLinker) -> None:
    """The kanji family name each person is linked by alone (石川: the prefecture instead)."""
    family = {}
    for name in kb.japanese_names("person"):
        for length in range(2, len(name.ja)):  # shorter than the full name
            prefix = name.ja[:length]
            linked = [(e.entity, e.value, e.text) for e in kb_linker.link(prefix)]
            if linked == [("person", name.key, prefix)]:
                family[name.key] = prefix
    assert family == {
        "Tomoko YOSHINO": "芳野", "Hideyuki SHIMIZU": "清水", "Akihiko MATSUURA": "松浦",
        "Chihiro ISHIGAMI": "石上", "Akihiro KANEKO": "金子", "Moriya MIBU": "壬生",
        "Hitomi KIMURA": "木村", "Kyoichi ANDO": "安藤", "Masashi JIMBO": "神保",
        "Shinobu YAMANAKA": "山中", "Yukitaka NARITA": "成田", "Katahiro YASUKOCHI": "安河内",
        "Masao TSUMURA": "津村", "Toshiyuki ITO": "伊藤", "Asuka SAKURADA": "櫻田",
        "Tsukasa TAKIMOTO": "瀧本", "Kumie INOUE": "井上",
    }


def test_every_person_links_by_full_name(kb: KnowledgeBase, kb_linker: EntityLinker) -> None:
    for name in kb.japanese_names("person"):
        assert real(kb_linker, name.ja) == [("person", name.key)], name.ja
        if name.reading:
            assert real(kb_linker, name.reading) == [("person", name.key)], name.reading


@pytest.mark.parametrize(
    "text, value",
    [
        ("会長", "President"),
        ("会長代行", "Deputy President"),
        ("副会長", "Vice President"),
        ("事務局長", "General Secretary"),
        ("副事務局長", "Assistant General Secretary"),
    ],
)
def test_roles(kb_linker: EntityLinker, text: str, value: str) -> None:
    assert real(kb_linker, text) == [("role", value)]
    assert real(kb_linker, f"連合の{text}は誰ですか") == [("role", value)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("大阪", [("prefecture", "Osaka")]),
        ("大阪府", [("prefecture", "Osaka")]),  # one mention, not 大阪 + 府
        ("おおさか", [("prefecture", "Osaka")]),
        ("おおさかふ", [("prefecture", "Osaka")]),
        ("オオサカ", [("prefecture", "Osaka")]),
        ("連合大阪", [("prefecture", "Osaka")]),  # the local, as "RENGO Osaka"
        ("連合東京の連絡先", [("prefecture", "Tokyo")]),
        ("東京都", [("prefecture", "Tokyo")]),  # Tokyo, not 京都 Kyoto
        ("京都府", [("prefecture", "Kyoto")]),
        ("石川県", [("prefecture", "Ishikawa")]),
        ("北海道", [("prefecture", "Hokkaido")]),
        ("連合北海道", [("prefecture", "Hokkaido")]),
        ("横浜市に住んでいます", [("prefecture", "Kanagawa")]),
        ("横浜", [("prefecture", "Kanagawa")]),
        ("さっぽろ", [("prefecture", "Hokkaido")]),
        ("なごやの連合はどこ？", [("prefecture", "Aichi")]),  # but not なごやか (test_no_false_positives)
        ("さいたま市浦和区", [("prefecture", "Saitama")]),
        ("津市", [("prefecture", "Mie")]),
        ("大分県", [("prefecture", "Oita")]),
    ],
)
def test_places(kb_linker: EntityLinker, text: str, expected: list) -> None:
    assert real(kb_linker, text) == expected


def test_every_prefecture_and_city_links(kb: KnowledgeBase, kb_linker: EntityLinker) -> None:
    for name in kb.japanese_names("prefecture"):
        for text in (name.ja, name.reading, f"連合{name.ja_short}"):
            assert real(kb_linker, text) == [("prefecture", name.key)], text
        if name.ja_short != "大分":
            assert real(kb_linker, name.ja_short) == [("prefecture", name.key)], name.ja_short
    cities = {c.name: c.prefecture for c in load_cities()}
    for name in kb.japanese_names("city"):
        assert real(kb_linker, name.ja) == [("prefecture", cities[name.key])], name.ja


@pytest.mark.parametrize(
    "text, value",
    [
        ("看護師です", "healthcare"),
        ("介護の仕事をしています", "healthcare"),
        ("病院で働いています", "healthcare"),
        ("中学の教員です", "education"),
        ("学校の先生", "education"),
        ("高校の先生", "high-school"),
        ("自動車工場で働いています", "automobile"),
        ("工場勤務です", "manufacturing"),
        ("電機メーカーの社員", "electronics"),
        ("運送会社のドライバー", "trucking"),
        ("トラック運転手です", "trucking"),
        ("郵便局で働いてる", "postal"),
        ("コンビニでバイト", "retail"),
        ("スーパーのレジ", "retail"),
        ("飲食店で働いています", "service"),
        ("ﾀｸｼｰ運転手です", "taxi"),
    ],
)
def test_industry_words(kb_linker: EntityLinker, text: str, value: str) -> None:
    linked = kb_linker.link(text)
    assert [(e.entity, e.value) for e in linked][:1] == [("industry", value)], linked
    assert all(text[e.start : e.end] == e.text for e in linked)


@pytest.mark.parametrize(
    "text",
    [
        "連合",  # RENGO itself links nothing, as "RENGO" does not in English
        "連合って何？",
        "日本労働組合総連合会",
        "残業代が払われません",
        "会社を辞めたいです",
        "有給休暇を取らせてもらえない",
        "育児休業を取りたい",
        "介護休業を取りたい",  # care leave, not care work
        "子の看護休暇",
        "社会保険に入れてもらえない",
        "雇用保険について教えて",
        "交通費が出ない",
        "求人広告と条件が違う",
        "いま大分つらいです",  # 大分 (daibu, 'quite'), not Oita
        "仕事にあきた",
        "きょうとても疲れた",  # きょう + とても, not Kyoto
        "職場はなごやかな雰囲気です",  # なごやか ('calm'), not Nagoya
        "わたしがやりました",  # しが (Shiga) is too short to link in kana
        "転職したいならどうすれば",  # なら (Nara) too
        "山口さんが上司です",  # a family name that is a place name, with an honorific
        "上司の千葉さんにパワハラされた",
        "石川さん",
        "バスタオルを洗う",
    ],
)
def test_no_false_positives(kb_linker: EntityLinker, text: str) -> None:
    assert kb_linker.link(text) == []


def test_kana_reading_does_not_end_inside_a_syllable(kb_linker: EntityLinker) -> None:
    assert real(kb_linker, "こうちょう先生") == [("industry", "education")]  # 先生, not こうち (Kochi)


def test_japanese_industry_words_are_unique_and_japanese() -> None:
    words = [w for industry in load_industries() for w in industry.keywords_ja]
    assert len(words) >= 150
    folded = [fold_japanese(w) for w in words]
    assert len(folded) == len(set(folded)), "a Japanese keyword is listed under two industries"
    assert all(is_japanese_alias(w) for w in words)
    assert all(industry.keywords_ja for industry in load_industries())


def test_english_still_works_on_the_real_kb(kb_linker: EntityLinker) -> None:
    assert real(kb_linker, "Tomoko YOSHINO") == [("person", "Tomoko YOSHINO")]
    assert real(kb_linker, "who is yoshno") == [("person", "Tomoko YOSHINO")]
    assert real(kb_linker, "RENGO Osaka") == [("prefecture", "Osaka")]
    assert real(kb_linker, "what does rengo do") == []


def test_japanese_linking_is_fast(kb_linker: EntityLinker) -> None:
    sentences = [
        "電機連合出身の副会長は誰ですか",
        "東京都の自動車工場で働いています。残業代が出ません",
        "芳野会長のメッセージを読みたい",
        "ﾊﾟｰﾄでｺﾝﾋﾞﾆのﾚｼﾞをしています、連合大阪に相談できますか",
    ]
    runs = 100
    started = time.perf_counter()
    for _ in range(runs):
        for sentence in sentences:
            kb_linker.link(sentence)
    assert (time.perf_counter() - started) / (runs * len(sentences)) < 0.005


@pytest.mark.parametrize(
    "text, expected",
    [
        # bridges of the vision: after the word, or numbered before it with 第 or 目
        ("ブリッジⅡの内容は？", [("bridge", "II")]),
        ("橋Ⅳ", [("bridge", "IV")]),
        ("橋5について教えて", [("bridge", "V")]),
        ("第4の橋", [("bridge", "IV")]),
        ("第二の架け橋", [("bridge", "II")]),
        ("3つ目の橋って何", [("bridge", "III")]),
        ("橋の2つ目", [("bridge", "II")]),
        ("安心社会を支える土台", [("bridge", "Foundation")]),
        # policy areas, with their ranges (3 priority, 4 advancement)
        ("重点分野1に関係するSDGs", [("policy_area", "priority-1")]),
        ("重点分野の３つ目", [("policy_area", "priority-3")]),
        ("推進分野の4番目は何ですか", [("policy_area", "advancement-4")]),
        ("推進分野の2番", [("policy_area", "advancement-2")]),
        ("重点分野4", []),
        # principle articles: named, or a bare 第N条 in a message about no law or contract
        ("行動指針の第4条", [("article", "4")]),
        ("原則２わ", [("article", "2")]),
        ("第五条を教えて", [("article", "5")]),
        ("6条って個人情報の話？", [("article", "6")]),
        # months after a year, and alone
        ("2011年3月に何があった？", [("year", "2011"), ("month", "March")]),
        ("２０２０年１０月の出来事は？", [("year", "2020"), ("month", "October")]),
    ],
)
def test_numbered_references_written_in_japanese(kb_linker: EntityLinker, text: str, expected: list) -> None:
    assert real(kb_linker, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5つの橋って何ですか",  # a count: all five bridges
        "3つの重点分野",
        "原則の三つ",
        "行動指針の一番大事なこと",  # 一番 is "most"
        "全7条を一覧で",  # all seven articles
        "労働基準法第5条について",  # a law's article, not a principle
        "使命の第2条",
        "2条件を満たすと",
        "石橋1丁目の事務所",  # 橋 inside a place name
        "残業代が3か月も払われていません",  # a duration, not a month
    ],
)
def test_japanese_counts_and_other_numbers_are_no_references(kb_linker: EntityLinker, text: str) -> None:
    assert real(kb_linker, text) == []
