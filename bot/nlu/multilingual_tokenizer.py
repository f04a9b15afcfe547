"""Rasa tokenizer for one NLU pipeline that reads English and Japanese.

Rasa's WhitespaceTokenizer cannot split Japanese, which has no spaces: ``JAMの会長は？`` would be
two tokens, ``JAMの会長は`` and nothing. This component splits the message into runs of Japanese
script (kana, kanji, the prolonged sound mark ``ー``, Japanese punctuation) and everything else.
Japanese runs go through spaCy's Japanese tokenizer (SudachiPy with sudachidict_core); the rest
is split exactly as WhitespaceTokenizer splits it, so an English message gets the same tokens and
offsets as before and the English model's features do not change.

Token texts are NFKC-normalised (``ＪＡＭ`` -> ``JAM``, ``ﾊﾟﾜﾊﾗ`` -> ``パワハラ``, see
``knowledge.normalize``); ``start``/``end`` always index the original message. A Japanese token's
lemma is Sudachi's normalised form, which CountVectorsFeaturizer uses by default (``use_lemma``):
``わから``/``分かり`` both count as ``分かる``, ``イジメ``/``いじめ`` as ``苛め``, ``払わ``/``払っ``
as ``払う``, so polite and casual forms and kana/kanji spellings share features.

Why Sudachi split mode A (short units) by default: every B or C unit is a concatenation of
A units, so A never hides a shared word. With C, ``有給休暇``/``有給``, ``労働組合``/``組合``,
``大阪府``/``大阪`` and ``未払い賃金``/``賃金`` are unrelated tokens; with A they share one.
Affiliate names (``自動車総連`` -> ``自動車 総連``, ``電機連合`` -> ``電機 連合``) split the same
way in every mode, as they are not in Sudachi's dictionary. docs/japanese-nlu.md has the details.

In ``config.yml``, in place of WhitespaceTokenizer::

    - name: bot.nlu.multilingual_tokenizer.MultilingualTokenizer
      split_mode: A                # Sudachi split mode: A, B or C
      japanese_lemma: normalized   # normalized | dictionary | surface
"""
from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Text, Tuple

import regex

import rasa.utils.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.message import Message

from knowledge.normalize import JAPANESE_LETTERS, JAPANESE_MARKS, Normalised, normalise_with_offsets

if TYPE_CHECKING:  # spaCy (and with it thinc/TensorFlow and Sudachi) is loaded on first use
    from spacy.tokens import Doc

SPLIT_MODES = ("A", "B", "C")
JAPANESE_LEMMAS = ("normalized", "dictionary", "surface")

# Characters handed to Sudachi, checked on the NFKC text (so half-width katakana and full-width
# Latin are already folded; full-width ？！ are ASCII by then and split like English punctuation).
_JAPANESE_RUN = re.compile(f"[{JAPANESE_MARKS}{JAPANESE_LETTERS}]+")
# Sudachi refuses input over 49,149 bytes; a run is cut into pieces well below that (4 bytes
# per character at most), preferably after a Japanese full stop or comma.
_MAX_CHUNK_CHARS = 4096
_CHUNK_BREAKS = "。、」』"
# A token is kept if it has a word character, as WhitespaceTokenizer keeps words: 、。「」・ go.
_WORD_CHAR = re.compile(r"\w")

# WhitespaceTokenizer's word splitting (rasa/nlu/tokenizers/whitespace_tokenizer.py, Rasa 3.6),
# kept verbatim so English parity holds; tests compare the two on the training data.
_WHITESPACE_SEPARATORS = regex.compile(
    # there is a space or an end of a string after it
    r"[^\w#@&]+(?=\s|$)|"
    # there is a space or beginning of a string before it
    # not followed by a number
    r"(\s|^)[^\w#@&]+(?=[^0-9\s])|"
    # not in between numbers and not . or @ or & or - or #
    # e.g. 10'000.00 or blabla@gmail.com
    # and not url characters
    r"(?<=[^0-9\s])[^\w._~:/?#\[\]()@!$&*+,;=-]+(?=[^0-9\s])"
)

_JapaneseTokenizer = Callable[[str], "Doc"]
_TOKENIZERS: Dict[str, Tuple[_JapaneseTokenizer, threading.Lock]] = {}
_LOAD_LOCK = threading.Lock()


def load_japanese_tokenizer(split_mode: str) -> Tuple[_JapaneseTokenizer, threading.Lock]:
    """spaCy's Japanese tokenizer for ``split_mode``, created once per process and shared.

    The lock serialises calls: a Sudachi tokenizer is stateful and must not run in two
    threads at once.
    """
    loaded = _TOKENIZERS.get(split_mode)
    if loaded is None:
        with _LOAD_LOCK:
            loaded = _TOKENIZERS.get(split_mode)
            if loaded is None:
                import spacy

                nlp = spacy.blank("ja", config={"nlp": {"tokenizer": {"split_mode": split_mode}}})
                loaded = (nlp.tokenizer, threading.Lock())
                _TOKENIZERS[split_mode] = loaded
    return loaded


def _chunks(text: str, start: int, end: int) -> Iterator[Tuple[int, int]]:
    """``[start, end)`` cut into pieces Sudachi accepts, preferably after 。 or 、."""
    while end - start > _MAX_CHUNK_CHARS:
        window = text[start : start + _MAX_CHUNK_CHARS]
        cut = max(window.rfind(mark) for mark in _CHUNK_BREAKS) + 1
        if cut <= 0:
            cut = _MAX_CHUNK_CHARS
        yield start, start + cut
        start += cut
    yield start, end


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class MultilingualTokenizer(Tokenizer):
    """Whitespace tokenization for English, Sudachi (via spaCy) for Japanese runs."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """WhitespaceTokenizer's options, plus the Sudachi split mode and lemma choice."""
        return {
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
            # Sudachi split mode for Japanese runs: A (short units), B (middle), C (long units)
            "split_mode": "A",
            # Lemma of Japanese tokens: Sudachi's normalised form, its dictionary form, or the
            # token text itself
            "japanese_lemma": "normalized",
        }

    @staticmethod
    def required_packages() -> List[Text]:
        """Python packages the Japanese runs need (checked by Rasa before training)."""
        return ["spacy", "sudachipy", "sudachidict_core"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MultilingualTokenizer:
        """Creates the component; Sudachi's dictionary is loaded on the first Japanese text."""
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        config = {**self.get_default_config(), **config}
        super().__init__(config)
        self.split_mode = str(config["split_mode"]).upper()
        if self.split_mode not in SPLIT_MODES:
            raise InvalidConfigException(
                f"MultilingualTokenizer: split_mode must be one of {SPLIT_MODES}, "
                f"not {config['split_mode']!r}."
            )
        self.japanese_lemma = config["japanese_lemma"]
        if self.japanese_lemma not in JAPANESE_LEMMAS:
            raise InvalidConfigException(
                f"MultilingualTokenizer: japanese_lemma must be one of {JAPANESE_LEMMAS}, "
                f"not {self.japanese_lemma!r}."
            )
        self.emoji_pattern = rasa.utils.io.get_emoji_regex()

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokens with NFKC text and offsets into the original ``message.get(attribute)``."""
        text = message.get(attribute)
        normalised = normalise_with_offsets(text)
        norm = normalised.text
        runs = [match.span() for match in _JAPANESE_RUN.finditer(norm)]
        # Japanese runs become spaces for the whitespace split: offsets stay, words end there
        masked = _JAPANESE_RUN.sub(lambda match: " " * len(match.group()), norm)

        tokens = self._whitespace_tokens(masked)
        for start, end in runs:
            tokens.extend(self._japanese_tokens(norm, start, end))
        tokens.sort(key=lambda token: token.start)

        # as WhitespaceTokenizer: if nothing is left (":)", "？"), the whole text is one token
        if not tokens:
            tokens = [Token(norm, 0)]
        tokens = self._apply_token_pattern(tokens)
        return [self._to_original(token, normalised) for token in tokens]

    def _whitespace_tokens(self, text: str) -> List[Token]:
        """WhitespaceTokenizer's words, without its whole-text fallback (applied once, above)."""
        words = _WHITESPACE_SEPARATORS.sub(" ", text).split()
        words = [word for word in words if not self.emoji_pattern.fullmatch(word)]
        return self._convert_words_to_tokens(words, text)

    def _japanese_tokens(self, text: str, start: int, end: int) -> List[Token]:
        """Sudachi's words in ``text[start:end]``, punctuation dropped, offsets into ``text``."""
        tokenizer, lock = load_japanese_tokenizer(self.split_mode)
        tokens = []
        for chunk_start, chunk_end in _chunks(text, start, end):
            with lock:
                doc = tokenizer(text[chunk_start:chunk_end])
            for word in doc:
                if not _WORD_CHAR.search(word.text):
                    continue
                token_start = chunk_start + word.idx
                tokens.append(
                    Token(
                        word.text,
                        token_start,
                        token_start + len(word.text),
                        lemma=self._lemma(word.text, word.norm_, word.lemma_),
                    )
                )
        return tokens

    def _lemma(self, text: str, normalized_form: str, dictionary_form: str) -> str:
        if self.japanese_lemma == "normalized":
            return normalized_form or text
        if self.japanese_lemma == "dictionary":
            return dictionary_form or text
        return text

    @staticmethod
    def _to_original(token: Token, normalised: Normalised) -> Token:
        """The same token with ``start``/``end`` moved from the NFKC text to the original."""
        if token.end <= token.start:  # the empty message: WhitespaceTokenizer gives ("", 0, 0)
            return token
        start, end = normalised.span(token.start, token.end)
        return Token(token.text, start, end, data=token.data, lemma=token.lemma)
