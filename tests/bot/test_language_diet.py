"""One DIETClassifier per language (bot/nlu/language_diet.py): what each trains on and reads."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language_diet import LanguageDIETClassifier, classifier_language, examples_for
from tests.bot.test_multilingual_tokenizer import make_tokenizer

EXAMPLES = [
    ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("hey bot", "greet"),
    ("bye", "goodbye"), ("see you later", "goodbye"), ("goodbye for now", "goodbye"),
    ("who is the president", "ask_leadership"), ("who leads rengo", "ask_leadership"),
    ("こんにちは", "greet"), ("おはようございます", "greet"), ("どうも、こんにちは", "greet"),
    ("ありがとう", "thank"), ("ありがとうございました", "thank"), ("助かりました、ありがとう", "thank"),
    ("会長は誰ですか", "ask_leadership"), ("連合のトップは誰", "ask_leadership"),
    ("ok", "affirm"), ("👍", "affirm"),  # the script decides nothing: both classifiers learn them
]


def _messages(pairs) -> List[Message]:
    return [Message(data={TEXT: text, INTENT: intent}) for text, intent in pairs]


@pytest.mark.parametrize("text, metadata, expected", [
    ("who is the president", None, "en"),
    ("連合の会長は誰ですか", None, "ja"),
    ("JAMの会長は？", {"language": "en"}, "ja"),  # the script decides before the channel
    ("ok", {"language": "ja"}, "ja"),  # undecided: the channel's language (LINE)
    ("2016", {"language": "ja-JP"}, "ja"),
    ("ok", None, "en"),  # undecided, no channel language: English
    ("", {"language": "fr"}, "en"),
])
def test_classifier_language(text, metadata, expected):
    data: Dict[str, Any] = {TEXT: text}
    if metadata is not None:
        data["metadata"] = metadata
    assert classifier_language(Message(data=data)) == expected


def test_each_language_trains_on_its_examples_and_the_undecided_ones():
    data = TrainingData(training_examples=_messages(EXAMPLES))
    english = {m.get(TEXT) for m in examples_for(data, "en").training_examples}
    japanese = {m.get(TEXT) for m in examples_for(data, "ja").training_examples}
    assert "hello there" in english and "こんにちは" not in english
    assert "こんにちは" in japanese and "hello there" not in japanese
    assert {"ok", "👍"} <= english & japanese
    assert english | japanese == {text for text, _ in EXAMPLES}
    assert {m.get(INTENT) for m in examples_for(data, "ja").intent_examples} == {
        "greet", "thank", "ask_leadership", "affirm"}


def _component(tmp_path: Path, cls, name: str, **config: Any):
    return cls.create(
        {**cls.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource(name),
        ExecutionContext(GraphSchema({}), "test", node_name=name),
    )


def test_a_language_is_required(tmp_path):
    with pytest.raises(ValueError, match="language"):
        _component(tmp_path, LanguageDIETClassifier, "diet_none", epochs=1)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The two classifiers trained (a few epochs) on a small bilingual data set."""
    tmp_path = tmp_path_factory.mktemp("language_diet")
    tokenizer = make_tokenizer(tmp_path)
    featurizer = _component(tmp_path, CountVectorsFeaturizer, "cvf", analyzer="char_wb", min_ngram=1, max_ngram=3)
    data = TrainingData(training_examples=_messages(EXAMPLES))
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    classifiers = {
        language: _component(tmp_path, LanguageDIETClassifier, f"diet_{language}", language=language,
                             epochs=5, random_seed=1, constrain_similarities=True, entity_recognition=False)
        for language in ("en", "ja")
    }
    for classifier in classifiers.values():
        classifier.train(data)

    def parse(text: str, metadata=None) -> Message:
        message = Message(data={TEXT: text, **({"metadata": metadata} if metadata else {})})
        tokenizer.process([message])
        featurizer.process([message])
        return message

    return classifiers, parse


def test_only_the_messages_language_classifies_it(trained):
    classifiers, parse = trained
    english, japanese = parse("hello bot"), parse("ありがとうございます")
    classifiers["ja"].process([english])
    assert english.get(INTENT) is None  # the Japanese classifier leaves English alone
    classifiers["en"].process([english, japanese])
    assert english.get(INTENT) is not None and japanese.get(INTENT) is None
    classifiers["ja"].process([japanese])
    # each ranks only its language's intents: "thank" has no English example, "goodbye" no Japanese
    assert {r["name"] for r in english.get("intent_ranking")} <= {"greet", "goodbye", "ask_leadership", "affirm"}
    assert {r["name"] for r in japanese.get("intent_ranking")} <= {"greet", "thank", "ask_leadership", "affirm"}


def test_an_undecided_message_follows_the_channel(trained):
    classifiers, parse = trained
    on_line = parse("ok", metadata={"language": "ja"})
    for classifier in classifiers.values():
        classifier.process([on_line])
    assert "thank" in {r["name"] for r in on_line.get("intent_ranking")}  # ranked by the Japanese one


def test_the_project_config_has_one_classifier_per_language_with_the_same_options():
    import yaml

    config = yaml.safe_load((Path(__file__).parents[2] / "config.yml").read_text(encoding="utf-8"))
    classifiers = [c for c in config["pipeline"] if c["name"].endswith("LanguageDIETClassifier")]
    assert sorted(c["language"] for c in classifiers) == ["en", "ja"]
    options = [{k: v for k, v in c.items() if k != "language"} for c in classifiers]
    assert options[0] == options[1]
    assert not any(c["name"] == "DIETClassifier" for c in config["pipeline"])
