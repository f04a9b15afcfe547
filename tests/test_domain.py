"""The domain holds every sentence; check it is complete and consistent."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_every_question_intent_has_a_did_you_mean_label():
    questions = [i for i in DOMAIN["intents"] if i.startswith("ask_")]
    missing = [i for i in questions if f"utter_intent_label_{i}" not in DOMAIN["responses"]]
    assert missing == []


def test_every_response_an_action_names_exists():
    names = set()
    for path in (ROOT / "actions").glob("*.py"):
        names |= set(re.findall(r'"(utter_[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert names, "no responses found in actions/"
    assert sorted(names - set(DOMAIN["responses"])) == []


def test_every_custom_action_is_declared():
    declared = set(DOMAIN["actions"])
    defined = set()
    for path in (ROOT / "actions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        defined |= set(re.findall(r'action_name = "(action_[a-z_]+)"', text))
        defined |= set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', text))  # def name()
    assert defined == declared


def test_every_contact_method_has_its_stored_message():
    from bot.consultation.schema import CONTACT_METHODS

    assert all(f"utter_consultation_stored_{m}" in DOMAIN["responses"] for m in CONTACT_METHODS)
