"""Affiliates, industries, related organisations and locals."""
from actions.organisations import (
    ActionAnswerLocals,
    ActionAnswerOrganisation,
    ActionAnswerRelatedOrganisations,
    ActionListAffiliates,
)


def test_affiliate_by_name_with_its_leaders(run_action):
    run = run_action(ActionAnswerOrganisation, "tell me about JAM", "ask_organisation",
                     entities={"organisation": "JAM"})
    assert "Japanese Association of Metal, Machinery and Manufacturing Workers" in run.text
    assert "No. 05" in run.text
    assert "Tomoko YOSHINO (President)" in run.text
    assert run.slot("organisation") == "JAM"


def test_affiliate_with_acronym(run_action):
    run = run_action(ActionAnswerOrganisation, "what is jfaiu", "ask_organisation",
                     entities={"organisation": "KOKU RENGO"})
    assert "Japan Federation of Aviation Industry Unions (JFAIU)" in run.text


def test_affiliate_by_number(run_action):
    run = run_action(ActionAnswerOrganisation, "which is affiliate no. 20", "ask_organisation")
    assert "KAIIN KUMIAI" in run.text


def test_associated_organisation(run_action):
    run = run_action(ActionAnswerOrganisation, "what is nikkenkyo", "ask_organisation",
                     entities={"organisation": "NIKKENKYO"})
    assert run.responses == ["utter_organisation_associated"]


def test_industry(run_action):
    run = run_action(ActionAnswerOrganisation, "I'm a nurse", "ask_organisation",
                     entities={"industry": "healthcare"})
    assert "HEALTH CARE ROKYO" in run.text


def test_unknown_organisation_is_refused(run_action):
    run = run_action(ActionAnswerOrganisation, "tell me about the teamsters", "ask_organisation")
    assert run.responses == ["utter_organisation_unknown"]
    assert "couldn't find" in run.text


def test_which_union_is_she_from(run_action):
    run = run_action(ActionAnswerOrganisation, "which union is she from", "ask_organisation",
                     slots={"person": "Tomoko YOSHINO", "last_subject": "person"})
    assert "JAM" in run.text


def test_list(run_action):
    run = run_action(ActionListAffiliates, "list the affiliates", "ask_affiliate_list")
    assert "45 affiliates and 2 associated" in run.text
    assert "October 2023" in run.text
    assert "ZEN ZOHEI" in run.text and "NIKKOKYO" in run.text


def test_related_organisation(run_action):
    run = run_action(ActionAnswerRelatedOrganisations, "what is jilaf", "ask_related_organisations",
                     entities={"related_org": "JILAF"})
    assert "Japan International Labour Foundation" in run.text
    assert "May 1989" in run.text
    listing = run_action(ActionAnswerRelatedOrganisations, "related organisations", "ask_related_organisations")
    assert "Labour Bank" in listing.text and "ILEC" in listing.text


def test_local(run_action):
    run = run_action(ActionAnswerLocals, "local in osaka", "ask_locals", entities={"prefecture": "Osaka"})
    assert "RENGO Osaka" in run.text
    overview = run_action(ActionAnswerLocals, "how many locals", "ask_locals")
    assert "47" in overview.text
