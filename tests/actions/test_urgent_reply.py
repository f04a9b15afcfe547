"""The urgent reply: emergency numbers first, people to talk to, the conversation flagged."""
import logging

from actions.urgent import ActionRespondUrgent


def test_emergency_numbers_and_support_lines_come_first(run_action, caplog):
    caplog.set_level(logging.INFO)
    run = run_action(ActionRespondUrgent, "i want to die", "report_urgent",
                     entities={"urgent_kind": "suicide"})
    assert run.responses == ["utter_urgent"]
    text = run.text
    assert text.index("110") < text.index("0120-279-338")
    assert "119" in text
    assert run.slot("urgent_flag") is True
    assert "i want to die" not in caplog.text
    assert "urgent situation flagged" in caplog.text
