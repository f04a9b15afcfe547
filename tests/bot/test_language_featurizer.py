"""The message's language as two sparse columns for the intent classifier."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language_featurizer import LanguageFeaturizer, language_vector
from tests.bot.test_multilingual_tokenizer import make_tokenizer

EN, JA, UNCLEAR = [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]


@pytest.mark.parametrize("text, expected", [
    ("who is the president", EN),
    ("howdy", EN),
    ("連合の会長は誰ですか", JA),
    ("JAMの会長は？", JA),  # mixed: the Japanese letters weigh more
    ("ok", UNCLEAR),
    ("", UNCLEAR),
])
def test_language_vector(text, expected):
    assert language_vector(text).tolist() == expected


@pytest.fixture
def featurizer(tmp_path: Path) -> LanguageFeaturizer:
    return LanguageFeaturizer.create(
        LanguageFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("language_featurizer"),
        ExecutionContext(GraphSchema({}), "test", node_name="language_featurizer"),
    )


def _featurized(tmp_path: Path, featurizer: LanguageFeaturizer, text: str) -> Message:
    message = Message(data={TEXT: text})
    make_tokenizer(tmp_path).process([message])
    featurizer.process([message])
    return message


def test_every_token_and_the_sentence_carry_the_language(tmp_path, featurizer):
    message = _featurized(tmp_path, featurizer, "残業代が払われない")
    sequence, sentence = message.get_sparse_features(TEXT)
    n_tokens = len(message.get("text_tokens"))
    assert n_tokens > 1
    assert sequence.features.shape == (n_tokens, 2)
    assert np.all(sequence.features.toarray() == JA)
    assert sentence.features.toarray().tolist() == [JA]
    assert {f.origin for f in message.features} == {"language_featurizer"}


def test_training_examples_are_featurized_and_unclear_ones_get_zeros(tmp_path, featurizer):
    examples = [Message(data={TEXT: t, "intent": "greet"}) for t in ("hello there", "ok")]
    data = TrainingData(training_examples=examples)
    make_tokenizer(tmp_path).process_training_data(data)
    featurizer.process_training_data(data)
    hello, ok = (m.get_sparse_features(TEXT)[1].features.toarray().tolist() for m in examples)
    assert hello == [EN] and ok == [UNCLEAR]


def test_a_message_without_text_gets_no_features(featurizer):
    message = Message(data={"intent": "greet"})
    featurizer.process([message])
    assert message.get_sparse_features(TEXT) == (None, None)
