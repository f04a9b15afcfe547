"""One intent classifier per language: DIETClassifier trained and run on one language's messages.

English and Japanese shared one DIETClassifier, and each language paid for the other: with the
Japanese examples in it, the English held-out intent F1 was 0.959 where the same English data
and configuration alone reach 0.967 (docs/languages.md); the Japanese examples, for their part,
competed with twice as many English ones for the shared transformer. The two languages hardly
share a word, so nothing is lost by separating them: each language gets a classifier of its own,

    - name: bot.nlu.language_diet.LanguageDIETClassifier
      language: en
      (DIETClassifier's options)
    - name: bot.nlu.language_diet.LanguageDIETClassifier
      language: ja
      (the same options)

after the featurizers. Each trains only on the examples written in its language and classifies
only the messages written in it, so exactly one of the two sets a message's intent. The language
is the one ``bot.nlu.language.detect_language`` reads from the script (as the language entity and
``LanguageFeaturizer`` do). A message whose script decides nothing ("ok", "JAM", "2016", an emoji)
goes to the classifier of the channel's language (``metadata.language``: LINE's default, the
widget's page or toggle), else to English; such examples in the training data are given to both.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.languages import LANGUAGES, channel_language
from bot.nlu.language import detect_language

LANGUAGE = "language"
DEFAULT_LANGUAGE = "en"


def classifier_language(message: Message) -> str:
    """Which language's classifier reads ``message`` at prediction time."""
    return (
        detect_language(message.get(TEXT) or "")
        or channel_language(message.get("metadata"))
        or DEFAULT_LANGUAGE
    )


def examples_for(training_data: TrainingData, language: str) -> TrainingData:
    """The training data of one language: its examples, and those whose script decides nothing."""
    examples = [
        example
        for example in training_data.training_examples
        if detect_language(example.get(TEXT) or "") in (language, None)
    ]
    return TrainingData(
        training_examples=examples,
        entity_synonyms=training_data.entity_synonyms,
        regex_features=training_data.regex_features,
        lookup_tables=training_data.lookup_tables,
        responses=training_data.responses,
    )


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class LanguageDIETClassifier(DIETClassifier):
    """DIETClassifier for the messages of one language (``language: en`` or ``language: ja``)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DIETClassifier.get_default_config(), LANGUAGE: None}

    def _check_config_parameters(self) -> None:
        super()._check_config_parameters()
        if self.component_config.get(LANGUAGE) not in LANGUAGES:
            raise ValueError(
                f"{self.__class__.__name__} needs `{LANGUAGE}: <one of {', '.join(LANGUAGES)}>` in "
                f"config.yml, got {self.component_config.get(LANGUAGE)!r}"
            )

    @property
    def language(self) -> str:
        return self.component_config[LANGUAGE]

    def train(self, training_data: TrainingData) -> Resource:
        return super().train(examples_for(training_data, self.language))

    def process(self, messages: List[Message]) -> List[Message]:
        super().process([m for m in messages if classifier_language(m) == self.language])
        return messages
