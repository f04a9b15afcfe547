"""Checks the consultation form runs on each answer.

Each ``validate_*`` function is pure: it returns the normalised value to store
or raises :class:`InvalidAnswer` whose ``code`` names the problem, so the form
can pick the matching response (``utter_invalid_<code>`` or similar) and every
sentence the worker reads stays in the domain. Exceptions never carry the
worker's answer: they may end up in a log, and answers can hold contact details.

Workers type on Japanese keyboards, so full-width characters (``０９０－１２３４``,
``ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ``) are folded to ASCII (NFKC) before checking.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Optional, Tuple

import yaml

from bot.consultation.schema import CONTACT_METHODS

TOPICS = (
    "unpaid_wages",
    "working_hours",
    "paid_leave",
    "dismissal",
    "harassment",
    "non_regular",
    "safety_injury",
    "insurance",
    "union",
    "freelance",
    "foreign_workers",
    "other",
)

DESCRIPTION_MAX_CHARS = 1000
INDUSTRY_MAX_CHARS = 100
EMAIL_MAX_CHARS = 254  # RFC 5321 path limit, minus the angle brackets
EMAIL_LOCAL_MAX_CHARS = 64

#: Reference numbers use no 0/O or 1/I, so a worker can read one out on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_PREFIX = "RG"
REFERENCE_GROUPS = (4, 4)


class InvalidAnswer(ValueError):
    """An answer the form must ask again for; ``code`` names the problem (e.g. ``phone_wrong_length``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _text(value: Any, code: str) -> str:
    if not isinstance(value, str):
        raise InvalidAnswer(code)
    return unicodedata.normalize("NFKC", value).strip()


# --------------------------------------------------------------------------- choices


def validate_topic(value: Any) -> str:
    """One of :data:`TOPICS`; case, spaces and hyphens are forgiven (``Unpaid wages``)."""
    key = re.sub(r"[\s\-]+", "_", _text(value, "topic_unknown").casefold())
    if key not in TOPICS:
        raise InvalidAnswer("topic_unknown")
    return key


_CONTACT_METHOD_ALIASES = {"e-mail": "email", "mail": "email", "telephone": "phone", "tel": "phone"}


def validate_contact_method(value: Any) -> str:
    """``none``, ``email`` or ``phone`` (``e-mail`` and ``telephone`` are understood)."""
    key = _text(value, "contact_method_unknown").casefold()
    key = _CONTACT_METHOD_ALIASES.get(key, key)
    if key not in CONTACT_METHODS:
        raise InvalidAnswer("contact_method_unknown")
    return key


def validate_contact(method: Any, value: Any) -> Tuple[str, Optional[str]]:
    """The method and its checked value; with ``none`` the value is dropped, never stored."""
    method = validate_contact_method(method)
    if method == "email":
        return method, validate_email(value)
    if method == "phone":
        return method, validate_phone(value)
    return method, None


def validate_consent(value: Any) -> bool:
    """Only an explicit ``True`` is consent; anything else (``None``, ``"yes"``) is not."""
    if value is not True:
        raise InvalidAnswer("consent_required")
    return True


# --------------------------------------------------------------------------- free text


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # keeps \t and \n


def validate_description(value: Any) -> Optional[str]:
    """Optional: blank is ``None``; stripped, at most :data:`DESCRIPTION_MAX_CHARS` characters.

    The text is kept as typed (no NFKC: it is the worker's own words), except for
    control characters, which PostgreSQL refuses (NUL) and staff cannot read.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidAnswer("description_not_text")
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        return None
    if len(text) > DESCRIPTION_MAX_CHARS:
        raise InvalidAnswer("description_too_long")
    return text


def validate_industry(value: Any) -> Optional[str]:
    """Optional: an industry key of ``knowledge/curated/industries.yml`` or the worker's own words."""
    if value is None:
        return None
    text = _CONTROL.sub("", re.sub(r"\s+", " ", _text(value, "industry_not_text")))
    if not text:
        return None
    if len(text) > INDUSTRY_MAX_CHARS:
        raise InvalidAnswer("industry_too_long")
    return text.casefold() if text.casefold() in _industry_keys() else text


def validate_prefecture(value: Any) -> str:
    """The English name as in ``knowledge/curated/locals.yml``: ``osaka-fu``, ``大阪府`` -> ``Osaka``."""
    found = _prefectures().get(_prefecture_key(_text(value, "prefecture_unknown")))
    if found is None:
        raise InvalidAnswer("prefecture_unknown")
    return found


def _prefecture_key(name: str) -> str:
    """Case, macrons (Ōsaka) and suffixes (-fu, Prefecture) ignored; kanji pass through."""
    key = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    key = re.sub(r"\s+", " ", key.casefold())
    key = re.sub(r"\s+(prefecture|pref\.?|metropolis)$", "", key)
    return re.sub(r"[\s-](to|fu|ken|do)$", "", key)


def _curated_dir() -> Path:
    from knowledge.config import curated_dir

    return curated_dir()


@lru_cache(maxsize=None)
def _prefectures() -> Dict[str, str]:
    """Every accepted spelling -> English prefecture name (read on first use)."""
    data = yaml.safe_load((_curated_dir() / "locals.yml").read_text(encoding="utf-8"))
    names: Dict[str, str] = {}
    for local in data["locals"]:
        english = str(local["prefecture"])
        names[_prefecture_key(english)] = english
        japanese = local.get("prefecture_ja")
        if japanese:
            names[_prefecture_key(str(japanese))] = english
            names[_prefecture_key(re.sub(r"[都道府県]$", "", str(japanese)))] = english
    return names


@lru_cache(maxsize=None)
def _industry_keys() -> FrozenSet[str]:
    from knowledge.aliases import load_industries

    return frozenset(industry.key for industry in load_industries())


# --------------------------------------------------------------------------- contact values


# A practical subset of RFC 5322 addresses. Dots anywhere after the first
# character: older Japanese mobile carriers handed out addresses such as
# ``taro..yamada.@docomo.ne.jp`` that their mail servers still deliver to.
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]*")
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def validate_email(value: Any) -> str:
    """An e-mail address; full-width characters folded, domain lower-cased, ASCII only."""
    text = _text(value, "email_invalid").replace("\u3002", ".")  # 。 typed for a dot
    if not text:
        raise InvalidAnswer("email_empty")
    if len(text) > EMAIL_MAX_CHARS:
        raise InvalidAnswer("email_too_long")
    local, at, domain = text.rpartition("@")
    domain = domain.lower()
    labels = domain.split(".")
    if (
        not at
        or len(local) > EMAIL_LOCAL_MAX_CHARS
        or not _EMAIL_LOCAL.fullmatch(local)
        or len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or not re.fullmatch(r"[a-z]{2,63}", labels[-1])
    ):
        raise InvalidAnswer("email_invalid")
    return f"{local}@{domain}"


# Separators people type in phone numbers, after NFKC (which turns － into -):
# hyphen and dash variants, the katakana prolonged sound mark ー an IME may give
# for a hyphen, spaces, dots and the brackets around an area code.
_PHONE_SEPARATORS = re.compile(r"[\s.()\-\u2010-\u2015\u2212\u30fc]")
#: Toll-free (0120, 0800), Navi Dial (0570), premium (0990) and tele-dome (0180)
#: numbers: services, not a line a worker can be called back on.
_SERVICE_PREFIXES = ("0120", "0800", "0570", "0990", "0180")
_MOBILE_OR_IP = re.compile(r"0[5789]0\d{8}")  # 050 IP phone, 070/080/090 mobile: 11 digits
_LANDLINE = re.compile(r"0[1-9][1-9]\d{7}")  # area code + subscriber number: 10 digits


def validate_phone(value: Any) -> str:
    """A Japanese phone number as digits only: ``+81 90-1234-5678`` -> ``09012345678``.

    Accepted: mobiles (070/080/090) and IP phones (050) with 11 digits, landlines
    with 10 digits, each also written ``+81`` without the leading 0 (``+81 (0)3 ...``
    too). Full-width digits, hyphens and brackets are fine.
    """
    text = _text(value, "phone_invalid_characters")
    if not text:
        raise InvalidAnswer("phone_empty")
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+"):
        if not digits.startswith("+81"):
            raise InvalidAnswer("phone_not_japanese")
        digits = "0" + digits[3:].removeprefix("0")
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidAnswer("phone_invalid_characters")
    if not digits.startswith("0"):
        raise InvalidAnswer("phone_invalid")
    if digits.startswith(_SERVICE_PREFIXES):
        raise InvalidAnswer("phone_service_number")
    if len(digits) == 11:
        if _MOBILE_OR_IP.fullmatch(digits):
            return digits
        # a landline with a digit too many, or a prefix no one is called back on (020, 060)
        raise InvalidAnswer("phone_wrong_length" if _LANDLINE.match(digits) else "phone_invalid")
    if len(digits) == 10:
        if _LANDLINE.fullmatch(digits):
            return digits
        # 0X0 prefixes are never landlines: a mobile with a digit missing
        raise InvalidAnswer("phone_wrong_length" if _MOBILE_OR_IP.match(digits + "0") else "phone_invalid")
    raise InvalidAnswer("phone_wrong_length")


# --------------------------------------------------------------------------- reference numbers


def format_reference(code: str) -> str:
    """``7K3MQ9XD`` -> ``RG-7K3M-Q9XD``."""
    groups, start = [], 0
    for size in REFERENCE_GROUPS:
        groups.append(code[start:start + size])
        start += size
    return "-".join([REFERENCE_PREFIX, *groups])


def validate_reference(value: Any) -> str:
    """A reference number as a worker may type or read it: ``rg 7k3m q9xd`` -> ``RG-7K3M-Q9XD``."""
    text = _PHONE_SEPARATORS.sub("", _text(value, "reference_invalid")).upper()
    length = sum(REFERENCE_GROUPS)
    if len(text) == length + len(REFERENCE_PREFIX) and text.startswith(REFERENCE_PREFIX):
        text = text[len(REFERENCE_PREFIX):]
    if len(text) != length or any(c not in REFERENCE_ALPHABET for c in text):
        raise InvalidAnswer("reference_invalid")
    return format_reference(text)
