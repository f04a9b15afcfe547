"""The tokenizer that lets one NLU pipeline read English and Japanese."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.validation import validate
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.data import TrainingType
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import bot.nlu.multilingual_tokenizer as tokenizer_module
from bot.nlu.multilingual_tokenizer import MultilingualTokenizer
from knowledge.normalize import fold_width, normalise_with_offsets

ROOT = Path(__file__).resolve().parents[2]
COMPONENT_PATH = "bot.nlu.multilingual_tokenizer.MultilingualTokenizer"


def make_tokenizer(tmp_path: Path, **config: Any) -> MultilingualTokenizer:
    """Build the component the way Rasa's graph does: through ``create``."""
    return MultilingualTokenizer.create(
        {**MultilingualTokenizer.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("multilingual_tokenizer"),
        ExecutionContext(GraphSchema({}), "test"),
    )


@pytest.fixture
def tokenizer(tmp_path: Path) -> MultilingualTokenizer:
    return make_tokenizer(tmp_path)


def tokens_of(tokenizer: MultilingualTokenizer, text: str) -> List[Tuple[str, int, int]]:
    """(text, start, end) of each token; every offset pair must slice the original surface."""
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    for token in tokens:
        assert fold_width(text[token.start : token.end]) == token.text, token
    return [(token.text, token.start, token.end) for token in tokens]


# --------------------------------------------------------------------------- Japanese and mixed


@pytest.mark.parametrize(
    "text, expected",
    [
        # the punctuation goes, as WhitespaceTokenizer drops "?"
        ("JAMの会長は？", [("JAM", 0, 3), ("の", 3, 4), ("会長", 4, 6), ("は", 6, 7)]),
        # full width folds to ASCII; offsets still slice ＪＡＭ out of the original
        ("ＪＡＭの会長は", [("JAM", 0, 3), ("の", 3, 4), ("会長", 4, 6), ("は", 6, 7)]),
        (
            "自動車総連について教えて",
            [("自動車", 0, 3), ("総連", 3, 5), ("に", 5, 6), ("つい", 6, 8), ("て", 8, 9),
             ("教え", 9, 11), ("て", 11, 12)],
        ),
        (
            "残業代が払われない",
            [("残業", 0, 2), ("代", 2, 3), ("が", 3, 4), ("払わ", 4, 6), ("れ", 6, 7),
             ("ない", 7, 9)],
        ),
        (
            "パワハラを受けています",
            [("パワハラ", 0, 4), ("を", 4, 5), ("受け", 5, 7), ("て", 7, 8), ("い", 8, 9),
             ("ます", 9, 11)],
        ),
        # casual forms
        ("パワハラ受けてる", [("パワハラ", 0, 4), ("受け", 4, 6), ("てる", 6, 8)]),
        (
            "残業代出ないんだけど",
            [("残業", 0, 2), ("代", 2, 3), ("出", 3, 4), ("ない", 4, 6), ("ん", 6, 7),
             ("だ", 7, 8), ("けど", 8, 10)],
        ),
        # half-width katakana: two characters (ﾊﾟ) become one (パ); the token spans all five
        ("ﾊﾟﾜﾊﾗされた", [("パワハラ", 0, 5), ("さ", 5, 6), ("れ", 6, 7), ("た", 7, 8)]),
        # English with a Japanese name; the ideographic space separates like a space
        ("what is 連合?", [("what", 0, 4), ("is", 5, 7), ("連合", 8, 10)]),
        ("連合\u3000会長", [("連合", 0, 2), ("会長", 3, 5)]),
        # Latin and kana written together, Japanese punctuation between names
        (
            "ＵＡゼンセン、自治労、日教組。大阪府",
            [("UA", 0, 2), ("ゼンセン", 2, 6), ("自治労", 7, 10), ("日教組", 11, 14),
             ("大阪", 15, 17), ("府", 17, 18)],
        ),
        (
            "月給２０万円です",
            [("月給", 0, 2), ("20", 2, 4), ("万", 4, 5), ("円", 5, 6), ("です", 6, 8)],
        ),
        (
            "e-mailで送ってhttps://example.com/です",
            [("e-mail", 0, 6), ("で", 6, 7), ("送っ", 7, 9), ("て", 9, 10),
             ("https://example.com", 10, 29), ("です", 30, 32)],
        ),
        ("助けて😢", [("助け", 0, 2), ("て", 2, 3)]),
    ],
)
def test_japanese_and_mixed_messages(
    tokenizer: MultilingualTokenizer, text: str, expected: List[Tuple[str, int, int]]
) -> None:
    assert tokens_of(tokenizer, text) == expected


def test_polite_and_casual_forms_share_lemmas(tokenizer: MultilingualTokenizer) -> None:
    """CountVectorsFeaturizer counts lemmas: both forms of a verb or a spelling count as one."""

    def lemmas(text: str) -> List[str]:
        return [t.lemma for t in tokenizer.tokenize(Message(data={TEXT: text}), TEXT)]

    assert lemmas("分かりません")[0] == lemmas("わからない")[0] == "分かる"
    assert lemmas("払われない")[0] == lemmas("払ってもらえません")[0] == "払う"
    assert lemmas("イジメにあった")[0] == lemmas("いじめにあった")[0]
    assert lemmas("クビになった")[0] == lemmas("首になった")[0] == "首"
    # English tokens keep their text as lemma, exactly as WhitespaceTokenizer gives them
    assert lemmas("Who pays overtime")[1:] == ["pays", "overtime"]


def test_japanese_lemma_can_be_the_surface(tmp_path: Path) -> None:
    tokenizer = make_tokenizer(tmp_path, japanese_lemma="surface")
    tokens = tokenizer.tokenize(Message(data={TEXT: "わからない"}), TEXT)
    assert [(t.text, t.lemma) for t in tokens] == [("わから", "わから"), ("ない", "ない")]


def test_split_mode_c_keeps_compounds_whole(tmp_path: Path) -> None:
    text = "労働組合を作りたい"
    assert [t for t, _, _ in tokens_of(make_tokenizer(tmp_path), text)] == [
        "労働", "組合", "を", "作り", "たい"
    ]
    assert tokens_of(make_tokenizer(tmp_path, split_mode="C"), text) == [
        ("労働組合", 0, 4), ("を", 4, 5), ("作り", 5, 7), ("たい", 7, 9)
    ]


@pytest.mark.parametrize("config", [{"split_mode": "D"}, {"japanese_lemma": "reading"}])
def test_rejects_unknown_options(tmp_path: Path, config: Dict[str, str]) -> None:
    with pytest.raises(InvalidConfigException):
        make_tokenizer(tmp_path, **config)


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", [("", 0, 0)]),  # WhitespaceTokenizer gives the same
        (":)", [(":)", 0, 2)]),
        ("？", [("?", 0, 1)]),  # only punctuation: the whole (normalised) text, one token
        ("。。。", [("。。。", 0, 3)]),
        ("「」", [("「」", 0, 2)]),
    ],
)
def test_empty_or_punctuation_only_gives_one_token(
    tokenizer: MultilingualTokenizer, text: str, expected: List[Tuple[str, int, int]]
) -> None:
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert [(t.text, t.start, t.end) for t in tokens] == expected


def test_text_longer_than_sudachi_accepts(tokenizer: MultilingualTokenizer) -> None:
    """Sudachi refuses more than 49,149 bytes at once; a pasted document must not crash NLU."""
    sentence = "残業代が払われない。"
    text = sentence * 2000  # 20,000 characters, 60,000 bytes, one Japanese run
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert len(tokens) == 6 * 2000
    assert [t.text for t in tokens[-6:]] == ["残業", "代", "が", "払わ", "れ", "ない"]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.start for t in tokens] == sorted(t.start for t in tokens)


def test_long_run_without_punctuation_is_cut_safely(tokenizer: MultilingualTokenizer) -> None:
    text = "あ" * 17000  # over Sudachi's limit with nowhere nice to cut
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_token_pattern_splits_in_normalised_text_with_original_offsets(tmp_path: Path) -> None:
    tokenizer = make_tokenizer(tmp_path, token_pattern=r"\w+")
    text = "ＡＢＣ-ｄｅｆの会長"
    assert tokens_of(tokenizer, text) == [
        ("ABC", 0, 3), ("def", 4, 7), ("の", 7, 8), ("会長", 8, 10)
    ]


# --------------------------------------------------------------------------- normalisation


def test_normalise_folds_widths_and_keeps_case() -> None:
    assert fold_width("ＪＡＭの会長") == "JAMの会長"
    assert fold_width("ｊａｍ") == "jam"
    assert fold_width("ﾊﾟﾜﾊﾗ") == "パワハラ"
    assert fold_width("１２月") == "12月"
    assert fold_width("わかる") == "わかる"  # kana/kanji variants are the tokenizer's job


def test_normalise_with_offsets_maps_back_to_the_original() -> None:
    text = "ﾊﾟﾜﾊﾗ、ＪＡＭ㈱"
    normalised = normalise_with_offsets(text)
    assert normalised.text == "パワハラ、JAM(株)"
    assert text[slice(*normalised.span(0, 4))] == "ﾊﾟﾜﾊﾗ"
    assert text[slice(*normalised.span(5, 8))] == "ＪＡＭ"
    assert text[slice(*normalised.span(9, 10))] == "㈱"  # an expansion maps to its whole source


# --------------------------------------------------------------------------- English parity


def test_english_training_data_tokenizes_exactly_like_whitespace_tokenizer(
    tmp_path: Path,
) -> None:
    """Every English example in data/nlu: same tokens, offsets and lemmas, for text and intent.

    The English files are data/nlu/*.yml; the Japanese ones live in data/nlu/ja/.
    """
    config = {"intent_tokenization_flag": True}
    english = sorted(str(p) for p in (ROOT / "data" / "nlu").glob("*.yml"))
    ours = TrainingData().merge(*(load_data(p) for p in english))
    theirs = TrainingData().merge(*(load_data(p) for p in english))
    assert len(ours.training_examples) >= 100
    make_tokenizer(tmp_path, **config).process_training_data(ours)
    WhitespaceTokenizer({**WhitespaceTokenizer.get_default_config(), **config}).process_training_data(
        theirs
    )
    for mine, reference in zip(ours.training_examples, theirs.training_examples):
        for attribute in (TEXT, INTENT):
            assert mine.get(TOKENS_NAMES[attribute]) == reference.get(TOKENS_NAMES[attribute]), (
                mine.get(TEXT)
            )


@pytest.mark.parametrize(
    "text",
    [
        "hi :)", "hello!!! how are you?", "it costs 10'000.00 yen", "mail blabla@gmail.com",
        "see https://www.jtuc-rengo.org/about/?a=1", "#metoo at work", "Tom & Jerry",
        "i'm   fine", "rengo 👍", "what's JTUC-RENGO's slogan?", "café", "   ",
    ],
)
def test_english_edge_cases_match_whitespace_tokenizer(tmp_path: Path, text: str) -> None:
    for config in ({}, {"token_pattern": r"(?u)\b\w+\b"}):
        ours = make_tokenizer(tmp_path, **config)
        theirs = WhitespaceTokenizer({**WhitespaceTokenizer.get_default_config(), **config})
        message = Message(data={TEXT: text})
        assert ours.tokenize(message, TEXT) == theirs.tokenize(message, TEXT)


@pytest.mark.parametrize(
    "flag, expected", [(True, ["ask", "affiliate", "leader"]), (False, ["ask_affiliate_leader"])]
)
def test_intent_names_split_on_the_split_symbol(
    tmp_path: Path, flag: bool, expected: List[str]
) -> None:
    tokenizer = make_tokenizer(tmp_path, intent_tokenization_flag=flag)
    data = TrainingData([Message.build(text="ＪＡＭの会長は？", intent="ask_affiliate_leader")])
    tokenizer.process_training_data(data)
    [example] = data.training_examples
    assert [t.text for t in example.get(TOKENS_NAMES[INTENT])] == expected
    assert [t.text for t in example.get(TOKENS_NAMES[TEXT])] == ["JAM", "の", "会長", "は"]


# --------------------------------------------------------------------------- loading


def test_sudachi_is_loaded_on_first_japanese_text_and_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import spacy

    calls: List[str] = []
    real_blank = spacy.blank

    def counting_blank(name: str, **kwargs: Any) -> Any:
        calls.append(name)
        return real_blank(name, **kwargs)

    monkeypatch.setattr(tokenizer_module, "_TOKENIZERS", {})
    monkeypatch.setattr(spacy, "blank", counting_blank)
    first, second = make_tokenizer(tmp_path), make_tokenizer(tmp_path)
    first.tokenize(Message(data={TEXT: "who is the president of JAM?"}), TEXT)
    assert calls == []  # creating the component and English text load nothing
    first.tokenize(Message(data={TEXT: "JAMの会長は？"}), TEXT)
    second.tokenize(Message(data={TEXT: "残業代が払われない"}), TEXT)
    assert calls == ["ja"]  # one dictionary per process, shared by every instance


# --------------------------------------------------------------------------- in a Rasa pipeline


def test_registered_as_untrainable_tokenizer() -> None:
    registered = DefaultV1Recipe._from_registry(COMPONENT_PATH)
    assert registered.clazz is MultilingualTokenizer
    assert DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER in registered.types
    assert registered.is_trainable is False


def test_project_config_uses_the_tokenizer_and_validates() -> None:
    """config.yml tokenizes with this component (not WhitespaceTokenizer) and passes the checks `rasa train` runs first."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    assert names[0] == COMPONENT_PATH
    assert "WhitespaceTokenizer" not in names
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, training_type=TrainingType.NLU)
    validate(graph)


def test_count_vectors_featurizer_learns_japanese_words(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = make_tokenizer(tmp_path)
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(),
        storage,
        Resource("count_vectors_featurizer"),
        context,
    )
    data = TrainingData(
        [
            Message.build(text="JAMの会長は誰ですか", intent="ask_affiliate_leader"),
            Message.build(text="who is the president of JAM", intent="ask_affiliate_leader"),
            Message.build(text="残業代が払われない", intent="report_problem"),
            Message.build(text="my boss doesn't pay my overtime", intent="report_problem"),
            Message.build(text="意味が分かりません", intent="chitchat"),
        ]
    )
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    vocabulary = featurizer.vectorizers[TEXT].vocabulary_
    assert {"会長", "残業", "払う", "分かる", "jam", "president", "overtime"} <= set(vocabulary)
    assert "jamの会長は誰ですか" not in vocabulary  # what WhitespaceTokenizer would have given

    # a new, casual, full-width message lands on the features learnt from the polite one
    message = Message(data={TEXT: "ＪＡＭの会長がわからない"})
    tokenizer.process([message])
    featurizer.process([message])
    sequence, sentence = message.get_sparse_features(TEXT)
    rows = sequence.features.tocsr()
    token_texts = [t.text for t in message.get(TOKENS_NAMES[TEXT])]
    assert token_texts == ["JAM", "の", "会長", "が", "わから", "ない"]
    for row, feature in [(0, "jam"), (2, "会長"), (4, "分かる")]:
        assert rows[row, vocabulary[feature]] == 1
    assert sentence.features.tocsr()[0, vocabulary["会長"]] == 1
