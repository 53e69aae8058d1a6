from __future__ import annotations

import pytest

from bot.shop.text import fold, normalise_email, normalise_order_number, normalise_postcode, same_secret


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Świeca sojowa zapachowa", "swieca sojowa zapachowa"),
        ("ŁÓDŹ, Żółć!", "lodz zolc"),
        ("Cămașă din flanel în carouri", "camasa din flanel in carouri"),
        ("Pătură  tricotată-groasă", "patura tricotata groasa"),
    ],
)
def test_fold_drops_diacritics_case_and_punctuation(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_postcodes_compare_without_spaces_and_dashes() -> None:
    assert normalise_postcode("00-950") == normalise_postcode(" 00 950 ") == normalise_postcode("00950")
    assert normalise_postcode("00-950") != normalise_postcode("00-951")


def test_email_is_case_and_space_insensitive() -> None:
    assert normalise_email("  Anna.Kowalska@EXAMPLE.com ") == "anna.kowalska@example.com"


@pytest.mark.parametrize("typed", ["ORD-10234", "ord 10234", "Ord10234", "10234", " #10234 "])
def test_order_number_spellings(typed: str) -> None:
    assert normalise_order_number(typed) == "ORD-10234"


@pytest.mark.parametrize("typed", ["", "ORD-", "where is my order", "ORD-12a4", "12"])
def test_not_an_order_number(typed: str) -> None:
    assert normalise_order_number(typed) is None


def test_same_secret() -> None:
    assert same_secret("żółw", "żółw")
    assert not same_secret("a", "ab")
