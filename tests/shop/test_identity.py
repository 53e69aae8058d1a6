"""The website's signed-in customer: only a valid, unexpired signature with the shared secret counts."""

from __future__ import annotations

from bot.shop.identity import sign_customer, verified_customer

SECRET = "shared-with-the-website"
NOW = 1_800_000_000.0


def test_a_signed_customer_is_recognised() -> None:
    claim = sign_customer("Anna.Kowalska@Example.com", "Anna Kowalska", SECRET, now=NOW)
    customer = verified_customer({"customer": claim}, SECRET, now=NOW + 60)
    assert customer is not None
    assert customer.email == "anna.kowalska@example.com" and customer.name == "Anna Kowalska"


def test_a_changed_e_mail_breaks_the_signature() -> None:
    claim = sign_customer("anna.kowalska@example.com", "Anna", SECRET, now=NOW)
    claim["email"] = "piotr.nowak@example.com"
    assert verified_customer({"customer": claim}, SECRET, now=NOW) is None


def test_another_secret_or_no_secret_is_not_trusted() -> None:
    claim = sign_customer("anna.kowalska@example.com", "Anna", "the attacker's secret", now=NOW)
    assert verified_customer({"customer": claim}, SECRET, now=NOW) is None
    assert verified_customer({"customer": claim}, "", now=NOW) is None


def test_an_expired_signature_is_not_trusted() -> None:
    claim = sign_customer("anna.kowalska@example.com", "Anna", SECRET, lifetime_seconds=60, now=NOW)
    assert verified_customer({"customer": claim}, SECRET, now=NOW + 61) is None


def test_missing_or_malformed_metadata_is_anonymous() -> None:
    for metadata in (None, {}, {"customer": "anna"}, {"customer": {"email": "a@b.pl"}}, {"customer": {"email": 1,
                     "signature": "x", "expires": "soon"}}):
        assert verified_customer(metadata, SECRET, now=NOW) is None
