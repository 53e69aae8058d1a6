"""Order numbers, contacts and sizes picked out of what customers type."""

from __future__ import annotations

import pytest

from bot.shop.extract import find_contact, find_order_number, find_postcode, find_size


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("where is ORD-10234?", "ORD-10234"),
        ("gdzie jest moje zamówienie ord 10234", "ORD-10234"),
        ("zamówienie nr 10236 nie dotarło", "ORD-10236"),
        ("comanda 10238", "ORD-10238"),
        ("status of #10237 please", "ORD-10237"),
        ("my postcode is 00-950", None),
        ("size 42", None),
    ],
)
def test_order_numbers_in_sentences(text: str, number: str | None) -> None:
    assert find_order_number(text) == number


def test_contacts_are_an_e_mail_or_a_postcode_but_not_an_order_number() -> None:
    assert find_contact("mój e-mail to Anna.Kowalska@example.com") == "Anna.Kowalska@example.com"
    assert find_contact("kod pocztowy 31-019") == "31-019"
    assert find_contact("codul poștal este 030167") == "030167"
    assert find_postcode("ORD-103456") is None
    assert find_contact("I don't know") is None


def test_sizes_are_the_products_own_and_never_the_s_of_its() -> None:
    sizes = ["S", "M", "L", "XL"]
    assert find_size("do you have it in XL?", sizes) == "XL"
    assert find_size("rozmiar M proszę", sizes) == "M"
    assert find_size("m", sizes) == "M"
    assert find_size("it's for my mum", sizes) is None
    assert find_size("anything", ["one size"]) == "one size"
    assert find_size("size 43", [str(size) for size in range(38, 46)]) == "43"
