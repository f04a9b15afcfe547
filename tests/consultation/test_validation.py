"""The checks the consultation form runs on each answer: normalised values or a named problem."""
from __future__ import annotations

import pytest

from bot.consultation.validation import (
    TOPICS,
    InvalidAnswer,
    validate_consent,
    validate_contact,
    validate_contact_method,
    validate_description,
    validate_email,
    validate_industry,
    validate_phone,
    validate_prefecture,
    validate_reference,
    validate_topic,
)


def problem(check, value) -> str:
    with pytest.raises(InvalidAnswer) as error:
        check(value)
    return error.value.code


# --- e-mail ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("taro.yamada@example.jp", "taro.yamada@example.jp"),
        ("  Taro.Yamada@Example.CO.JP ", "Taro.Yamada@example.co.jp"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),  # typed with the IME in full-width mode
        ("taro@example。jp", "taro@example.jp"),
        ("hanako+union@mail.example.com", "hanako+union@mail.example.com"),
        ("taro..yamada.@docomo.ne.jp", "taro..yamada.@docomo.ne.jp"),  # old carrier address
    ],
)
def test_valid_emails_are_normalised(typed, stored):
    assert validate_email(typed) == stored


@pytest.mark.parametrize(
    "typed, code",
    [
        ("", "email_empty"),
        ("   ", "email_empty"),
        ("taro.example.jp", "email_invalid"),
        ("taro@", "email_invalid"),
        ("@example.jp", "email_invalid"),
        ("taro@example", "email_invalid"),
        ("taro@example.j", "email_invalid"),
        ("taro yamada@example.jp", "email_invalid"),
        (".taro@example.jp", "email_invalid"),
        ("taro@-example.jp", "email_invalid"),
        ("taro@exa_mple.jp", "email_invalid"),
        ("taro@example..jp", "email_invalid"),
        ("太郎@example.jp", "email_invalid"),
        ("t" * 65 + "@example.jp", "email_invalid"),
        ("taro@" + "a" * 250 + ".jp", "email_too_long"),
        (None, "email_invalid"),
    ],
)
def test_invalid_emails_are_refused(typed, code):
    assert problem(validate_email, typed) == code


# --- phone ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("090-1234-5678", "09012345678"),
        ("08012345678", "08012345678"),
        ("070 1234 5678", "07012345678"),
        ("050-1234-5678", "05012345678"),  # IP phone
        ("03-1234-5678", "0312345678"),  # Tokyo landline
        ("(06) 1234-5678", "0612345678"),  # Osaka, area code in brackets
        ("011-123-4567", "0111234567"),  # Sapporo
        ("0166-12-3456", "0166123456"),  # Asahikawa, four-digit area code
        ("０９０－１２３４－５６７８", "09012345678"),  # full-width digits and hyphens
        ("０３ー１２３４ー５６７８", "0312345678"),  # ー typed for a hyphen
        ("+81 90-1234-5678", "09012345678"),
        ("+81-3-1234-5678", "0312345678"),
        ("+81 (0)3 1234 5678", "0312345678"),
        ("＋８１９０１２３４５６７８", "09012345678"),
    ],
)
def test_valid_phone_numbers_are_normalised_to_digits(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize(
    "typed, code",
    [
        ("", "phone_empty"),
        ("090-1234-567", "phone_wrong_length"),  # a digit missing
        ("090-1234-56789", "phone_wrong_length"),
        ("03-1234-56789", "phone_wrong_length"),
        ("1234-5678", "phone_invalid"),  # no area code
        ("90-1234-5678", "phone_invalid"),
        ("020-1234-5678", "phone_invalid"),  # not a line anyone is called back on
        ("0120-123-456", "phone_service_number"),  # toll-free
        ("0570-123-456", "phone_service_number"),  # Navi Dial
        ("+1 212 555 0100", "phone_not_japanese"),
        ("+44 20 7946 0958", "phone_not_japanese"),
        ("090-1234-5678 ext 2", "phone_invalid_characters"),
        ("call me", "phone_invalid_characters"),
        ("090+1234+5678", "phone_invalid_characters"),
        (9012345678, "phone_invalid_characters"),
    ],
)
def test_invalid_phone_numbers_are_refused(typed, code):
    assert problem(validate_phone, typed) == code


def test_contact_value_goes_with_its_method():
    assert validate_contact("phone", "090-1234-5678") == ("phone", "09012345678")
    assert validate_contact("E-mail", "taro@example.jp") == ("email", "taro@example.jp")
    assert validate_contact("none", "090-1234-5678") == ("none", None)  # not asked for: not kept
    assert problem(lambda v: validate_contact("email", v), "090-1234-5678") == "email_invalid"
    assert problem(lambda v: validate_contact("phone", v), None) == "phone_invalid_characters"


@pytest.mark.parametrize("typed, method", [("email", "email"), (" Phone ", "phone"), ("telephone", "phone"), ("none", "none")])
def test_contact_methods(typed, method):
    assert validate_contact_method(typed) == method


def test_unknown_contact_method_is_refused():
    assert problem(validate_contact_method, "fax") == "contact_method_unknown"
    assert problem(validate_contact_method, None) == "contact_method_unknown"


# --- description, topic, place, industry ---------------------------------------------------------


def test_description_is_stripped_and_optional():
    assert validate_description("  My wages are late.\r\nThree months now.  ") == "My wages are late.\nThree months now."
    assert validate_description("給料が３か月未払いです") == "給料が３か月未払いです"  # the worker's words, unchanged
    assert validate_description("late\x00 wages") == "late wages"
    assert validate_description(None) is None
    assert validate_description("   \n ") is None


def test_description_too_long_is_refused():
    assert validate_description("x" * 1000) == "x" * 1000
    assert validate_description("  " + "x" * 1000 + "  ") == "x" * 1000  # spaces around do not count
    assert problem(validate_description, "x" * 1001) == "description_too_long"
    assert problem(validate_description, 42) == "description_not_text"


@pytest.mark.parametrize("typed, topic", [("dismissal", "dismissal"), ("Unpaid wages", "unpaid_wages"), ("safety-injury", "safety_injury")])
def test_topics(typed, topic):
    assert validate_topic(typed) == topic


@pytest.mark.parametrize("typed", ["pay rise", "", "wages", None, "unpaid_wages_please"])
def test_unknown_topic_is_refused(typed):
    assert problem(validate_topic, typed) == "topic_unknown"


def test_every_topic_is_accepted_as_is():
    assert [validate_topic(t) for t in TOPICS] == list(TOPICS)
    assert len(TOPICS) == 12


@pytest.mark.parametrize(
    "typed, prefecture",
    [("Osaka", "Osaka"), ("osaka-fu", "Osaka"), ("Osaka Prefecture", "Osaka"), ("大阪府", "Osaka"),
     ("Ōsaka", "Osaka"), ("Tokyo-to", "Tokyo"), ("東京", "Tokyo"), ("北海道", "Hokkaido"), ("KOCHI", "Kochi")],
)
def test_prefectures_are_the_english_names_of_the_locals_list(typed, prefecture):
    assert validate_prefecture(typed) == prefecture


@pytest.mark.parametrize("typed", ["Atlantis", "", "Yokohama", None])
def test_unknown_prefecture_is_refused(typed):
    assert problem(validate_prefecture, typed) == "prefecture_unknown"


def test_industry_is_a_known_key_or_free_text():
    assert validate_industry("Healthcare") == "healthcare"
    assert validate_industry("  logistics   warehouse ") == "logistics warehouse"
    assert validate_industry("") is None and validate_industry(None) is None
    assert problem(validate_industry, "x" * 101) == "industry_too_long"


# --- consent and reference numbers -------------------------------------------------------------------


def test_only_explicit_consent_counts():
    assert validate_consent(True) is True
    for value in (False, None, "yes", "true", 1):
        assert problem(validate_consent, value) == "consent_required"


def test_reference_numbers_as_a_worker_reads_them():
    assert validate_reference("RG-7K3M-Q9XD") == "RG-7K3M-Q9XD"
    assert validate_reference(" rg 7k3m q9xd ") == "RG-7K3M-Q9XD"
    assert validate_reference("７Ｋ３ＭＱ９ＸＤ") == "RG-7K3M-Q9XD"
    for typed in ("RG-7K3M-Q9X", "RG-0K3M-Q9XD", "RG-IK3M-Q9XD", "hello", None):
        assert problem(validate_reference, typed) == "reference_invalid"


def test_problems_never_repeat_the_answer():
    with pytest.raises(InvalidAnswer) as error:
        validate_phone("090-1234-5678 ask for Tanaka")
    assert "Tanaka" not in str(error.value) and "1234" not in repr(error.value)
    assert str(error.value) == error.value.code
