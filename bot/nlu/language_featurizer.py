"""The language of a message as a feature for the intent classifier.

When one DIETClassifier read English and Japanese, their words and character n-grams hardly
overlapped, but everything else was shared: the transformer, the lexical features (first word,
last word, lower case ...) and, above all, what the classifier falls back on when a message's
words are new to it ("howdy", "tysm"). With thousands of Japanese examples, such English
messages were pulled towards the intents with the most Japanese examples, and the English
held-out score fell; this feature told the classifier the language of every message. Each
language now has a classifier of its own (bot/nlu/language_diet.py), where the feature is
nearly constant; it stays because the trained classifiers were measured with it.

The feature is two columns, ``en`` and ``ja``, from the script of the text
(:func:`bot.nlu.language.detect_language`: a Japanese letter weighs twice a Latin one); a
message whose language is unclear (``ok``, ``JAM``, an emoji) gets neither. Every token carries
its message's language (sequence features) and so does the sentence.

    - name: bot.nlu.language_featurizer.LanguageFeaturizer

after the tokenizer, before the classifiers. Nothing is learned: the component only computes.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple, Type

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.languages import LANGUAGES
from bot.nlu.language import detect_language


def language_vector(text: Optional[str]) -> np.ndarray:
    """``[en, ja]``: one 1.0 for the language ``text`` is written in, zeros when unclear."""
    vector = np.zeros(len(LANGUAGES))
    language = detect_language(text or "")
    if language in LANGUAGES:
        vector[LANGUAGES.index(language)] = 1.0
    return vector


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class LanguageFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds the message's language (two sparse columns) to every token and the sentence."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return SparseFeaturizer.get_default_config()

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to configure."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._featurize(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._featurize(message)
        return messages

    def features(self, message: Message) -> Optional[Tuple[scipy.sparse.coo_matrix, scipy.sparse.coo_matrix]]:
        """Sequence and sentence features of the message's text, None without tokens."""
        tokens = message.get(TOKENS_NAMES[TEXT], [])
        if not message.get(TEXT) or not tokens:
            return None
        vector = language_vector(message.get(TEXT))
        sequence = scipy.sparse.coo_matrix(np.tile(vector, (len(tokens), 1)))
        sentence = scipy.sparse.coo_matrix(vector.reshape(1, -1))
        return sequence, sentence

    def _featurize(self, message: Message) -> None:
        features = self.features(message)
        if features is not None:
            self.add_features_to_message(*features, TEXT, message)
