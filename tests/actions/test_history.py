"""History answers: by year, by event, and honest about what the table lost."""
from actions.history import ActionAnswerHistory


def test_year(run_action):
    run = run_action(ActionAnswerHistory, "what happened in 2011", "ask_history", entities={"year": "2011"})
    assert "Great East Japan Earthquake" in run.text
    assert "12th Biennial Convention" in run.text
    assert run.slot("year") == "2011"


def test_event_by_words(run_action):
    run = run_action(ActionAnswerHistory, "when was the hotline set up?", "ask_history")
    assert "January 1990" in run.text
    assert "Labor Consultation Hotline" in run.text


def test_unibo_launch(run_action):
    run = run_action(ActionAnswerHistory, "when did the chatbot unibo launch", "ask_history")
    assert "October 2021" in run.text


def test_year_whose_events_were_lost(run_action):
    run = run_action(ActionAnswerHistory, "what happened in 2001", "ask_history", entities={"year": "2001"})
    assert run.responses == ["utter_history_year_without_events"]
    assert "I don't know" in run.text


def test_year_outside_the_table(run_action):
    run = run_action(ActionAnswerHistory, "what happened in 1970", "ask_history", entities={"year": "1970"})
    assert run.responses == ["utter_history_year_unknown"]
    assert "1987" in run.text and "2023" in run.text


def test_unplaced_event_does_not_get_a_year(run_action):
    run = run_action(ActionAnswerHistory, "when was the 5th biennial convention", "ask_history")
    assert run.responses == ["utter_history_unplaced"]
    assert "I don't know the year" in run.text
    assert "5th Biennial Convention" in run.text
    assert "1997" not in run.text


def test_general_history_question(run_action):
    run = run_action(ActionAnswerHistory, "tell me rengo's history", "ask_history")
    assert run.responses == ["utter_history_overview"]
    assert "1987" in run.text


def test_near_ties_are_shown_together(run_action):
    run = run_action(ActionAnswerHistory, "when was rengo inaugurated, unifying private and public sector unions",
                     "ask_history")
    assert "1987" in run.text and "November 1989" in run.text


def test_an_office_in_a_year_is_a_question_about_past_officers(run_action):
    # the classifier read 「1995年の会長は誰だった？」 as a history question (fourth-round model)
    for text, language in (("1995年の会長は誰だった？", "ja"), ("president in 1995?", "en")):
        run = run_action(ActionAnswerHistory, text, "ask_history", entities={"year": "1995", "role": "President"},
                         slots={"language": language})
        assert run.responses == ["utter_leadership_no_history"], text
        assert "ILEC" not in run.text and "Hanshin" not in run.text


def test_an_office_the_years_events_name_stays_history(run_action):
    run = run_action(ActionAnswerHistory, "2022年のITUC会長", "ask_history", entities={"year": "2022", "role": "President"})
    assert "ITUC President" in run.text
    assert run.responses == ["utter_history_events"]
