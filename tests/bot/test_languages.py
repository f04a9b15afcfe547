"""The one reading of a channel's ``language`` metadata (bot/languages.py), shared by the NLU and
the session start so that both agree on what a channel asked for."""
import pytest

from bot.languages import LANGUAGES, channel_language


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"language": "ja"}, "ja"),
        ({"language": "en"}, "en"),
        ({"language": "JA"}, "ja"),
        ({"language": " ja-JP "}, "ja"),
        ({"language": "en-GB"}, "en"),
        ({"language": "fr"}, None),
        ({"language": ""}, None),
        ({"language": None}, None),
        ({"language": 1}, None),
        ({}, None),
        (None, None),
        (["ja"], None),
        ("ja", None),
    ],
)
def test_channel_language(metadata, expected):
    assert channel_language(metadata) == expected


def test_the_action_server_and_the_nlu_share_the_languages():
    import actions.language
    import bot.nlu.language_featurizer

    assert actions.language.LANGUAGES is LANGUAGES
    assert bot.nlu.language_featurizer.LANGUAGES is LANGUAGES
