"""Every response has a Japanese variant, chosen when the slot `language` is `ja`.

The Japanese variant must say what the English one says with the same facts: the
same {placeholders}, the same button payloads in the same order, and the same
refusal markers (a test harness detects refusals by fixed phrases). Facts reach a
response only through placeholders, so a Japanese variant holds no long number
and no URL of its own.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_PATH = ROOT / "domain.yml"
DOMAIN = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
RESPONSES: Dict[str, List[Dict[str, Any]]] = DOMAIN["responses"]

JA_CONDITION = [{"type": "slot", "name": "language", "value": "ja"}]

# English phrase (lower case) -> the Japanese phrase that marks the same refusal.
REFUSALS = {
    "i don't know": "情報がありません",  # a fact missing from the knowledge base
    "couldn't find": "見つかりませんでした",  # a name that matches nothing
    "outside what": "範囲外",  # a question outside the bot's remit
}

PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
LONG_NUMBER = re.compile(r"[0-9０-９]{3,}")
URL = re.compile(r"https?://|www\.", re.IGNORECASE)
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
SWITCH = re.compile(r'^/switch_language\{\{?"language":"(en|ja)"\}\}?$')


def english(name: str) -> List[Dict[str, Any]]:
    return [v for v in RESPONSES[name] if not v.get("condition")]


def japanese(name: str) -> List[Dict[str, Any]]:
    return [v for v in RESPONSES[name] if v.get("condition") == JA_CONDITION]


def placeholders(text: str) -> Set[str]:
    return set(PLACEHOLDER.findall(text))


def counterparts(name: str) -> List[tuple]:
    """(English, Japanese) pairs: by position when the counts match, else each
    Japanese variant with the English variant whose placeholders it shares."""
    en, ja = english(name), japanese(name)
    if len(en) == len(ja):
        return list(zip(en, ja))
    pairs = []
    for j in ja:
        match = next((e for e in en if placeholders(e["text"]) == placeholders(j["text"])), en[0])
        pairs.append((match, j))
    return pairs


def switch_target(payload: str) -> Optional[str]:
    m = SWITCH.match(payload)
    return m.group(1) if m else None


ALL = sorted(RESPONSES)


def test_domain_loads_in_rasa():
    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(DOMAIN_PATH))
    assert "utter_language_switched" in domain.responses
    assert "switch_language" in domain.intents
    assert "language" in domain.entities
    slot = next(s for s in domain.slots if s.name == "language")
    assert slot.type_name == "categorical"
    assert not slot.influence_conversation
    assert {str(v) for v in slot.values} >= {"en", "ja"}
    # An explicit switch counts anywhere; the language a message is written in only outside the form.
    assert slot.mappings == [
        {"type": "from_entity", "entity": "language", "intent": "switch_language"},
        {"type": "from_entity", "entity": "language", "conditions": [{"active_loop": None}]},
    ]


@pytest.mark.parametrize("name", ALL)
def test_english_first_then_japanese_and_no_other_condition(name):
    variants = RESPONSES[name]
    en, ja = english(name), japanese(name)
    assert en, f"{name} has no unconditioned (English) variant"
    assert ja, f"{name} has no Japanese variant"
    assert len(en) + len(ja) == len(variants), f"{name} has a variant with another condition"
    assert variants[: len(en)] == en, f"{name}: English variants must come first"


@pytest.mark.parametrize("name", ALL)
def test_japanese_variant_has_the_english_placeholders_and_keys(name):
    for en, ja in counterparts(name):
        assert placeholders(ja["text"]) == placeholders(en["text"]), name
        assert set(ja) - {"condition"} == set(en), f"{name}: other keys than the English variant"


@pytest.mark.parametrize("name", ALL)
def test_japanese_buttons_send_the_english_payloads_in_order(name):
    for en, ja in counterparts(name):
        en_payloads = [b["payload"] for b in en.get("buttons") or []]
        ja_payloads = [b["payload"] for b in ja.get("buttons") or []]
        assert len(ja_payloads) == len(en_payloads), name
        for e, j in zip(en_payloads, ja_payloads):
            if switch_target(e):
                # the language button offers the other language
                assert (switch_target(e), switch_target(j)) == ("ja", "en"), name
            else:
                assert j == e, name
        for button in ja.get("buttons") or []:
            assert JAPANESE.search(button["title"]) or switch_target(button["payload"]) == "en", (
                f"{name}: button title {button['title']!r} is not Japanese"
            )


@pytest.mark.parametrize("name", ALL)
def test_refusal_phrases_appear_exactly_where_the_english_refuses(name):
    english_text = " ".join(v["text"] for v in english(name)).lower().replace("’", "'")
    required = {ja for en, ja in REFUSALS.items() if en in english_text}
    for variant in japanese(name):
        present = {ja for ja in REFUSALS.values() if ja in variant["text"]}
        assert present == required, f"{name}: has {present}, needs {required}"


@pytest.mark.parametrize("name", ALL)
def test_japanese_variant_is_japanese_and_states_no_fact_of_its_own(name):
    for variant in japanese(name):
        text = variant["text"]
        assert JAPANESE.search(text), f"{name}: the Japanese variant is not in Japanese"
        literal = PLACEHOLDER.sub(" ", text)
        assert not LONG_NUMBER.search(literal), f"{name}: a number that is not a placeholder"
        assert not URL.search(literal), f"{name}: a URL that is not a placeholder"


def test_greeting_and_capabilities_offer_the_other_language():
    for name in ("utter_greet", "utter_capabilities", "utter_language_switched"):
        en_targets = [switch_target(b["payload"]) for b in english(name)[0]["buttons"]]
        ja_targets = [switch_target(b["payload"]) for b in japanese(name)[0]["buttons"]]
        assert en_targets.count("ja") == 1 and "en" not in en_targets, name
        assert ja_targets.count("en") == 1 and "ja" not in ja_targets, name
    greet = [b["payload"] for b in english("utter_greet")[0]["buttons"]]
    switched = [b["payload"] for b in english("utter_language_switched")[0]["buttons"]]
    assert switched == greet


def _values(name: str) -> Dict[str, str]:
    return {p: f"<{p}>" for v in RESPONSES[name] for p in placeholders(v["text"])}


@pytest.mark.parametrize("language", ["ja", "en", None])
def test_rasa_picks_the_variant_of_the_slot_language(language):
    """What the bot really sends: Rasa's generator, slots as the tracker has them."""
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    generator = TemplatedNaturalLanguageGenerator(RESPONSES)
    slots = {slot: None for slot in DOMAIN["slots"]}
    slots["language"] = language
    for name in ALL:
        message = generator.generate_from_slots(name, dict(slots), "rest", **_values(name))
        expected = japanese(name) if language == "ja" else english(name)
        texts = {PLACEHOLDER.sub(lambda m: f"<{m.group(1)}>", v["text"]) for v in expected}
        assert message["text"] in texts, name
        assert "{" not in message["text"], name


def test_language_buttons_reach_the_nlu_as_intent_and_entity():
    """Payload braces are doubled in domain.yml because Rasa interpolates button
    payloads; the channel receives /switch_language{"language":"ja"}."""
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    generator = TemplatedNaturalLanguageGenerator(RESPONSES)
    slots = {slot: None for slot in DOMAIN["slots"]}
    for language, wanted in (("en", '/switch_language{"language":"ja"}'),
                             ("ja", '/switch_language{"language":"en"}')):
        slots["language"] = language
        message = generator.generate_from_slots("utter_greet", dict(slots), "rest")
        assert message["buttons"][-1]["payload"] == wanted
