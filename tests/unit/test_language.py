import pytest

from bot.language import detect_language, normalise_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello, how much is delivery?", "en"),
        ("dzień dobry", "pl"),
        ("dzien dobry", "pl"),  # no diacritics, still Polish
        ("gdzie jest moje zamówienie?", "pl"),
        ("bună ziua", "ro"),
        ("cat costa livrarea?", "ro"),
        ("vreau să vorbesc cu un operator", "ro"),
        ("chcę rozmawiać z konsultantem", "pl"),
    ],
)
def test_clear_messages_set_their_language(text: str, expected: str) -> None:
    guess = detect_language(text, fallback="en" if expected != "en" else "pl")
    assert guess.language == expected
    assert guess.changed


@pytest.mark.parametrize("text", ["ok", "da", "no", "pa", "?", "123", ""])
def test_ambiguous_short_messages_keep_the_conversation_language(text: str) -> None:
    assert detect_language(text, fallback="pl").language == "pl"
    assert detect_language(text, fallback="ro").language == "ro"


def test_unknown_fallback_defaults_to_english() -> None:
    assert detect_language("ok", fallback="de").language == "en"


@pytest.mark.parametrize(("code", "expected"), [("pl-PL", "pl"), ("RO_ro", "ro"), ("en", "en"), ("de-DE", None), (None, None)])
def test_normalise_language(code: str | None, expected: str | None) -> None:
    assert normalise_language(code) == expected


@pytest.mark.parametrize("text", ["ORD-10243", "tomasz.wojcik@example.net", "+48 600 700 800", "00-950"])
def test_order_numbers_and_contacts_keep_the_conversations_language(text: str) -> None:
    for language in ("en", "pl", "ro"):
        assert detect_language(text, language).language == language
