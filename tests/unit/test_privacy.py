import logging

import pytest

from bot.privacy import PiiMaskingFilter, mask_pii


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("my e-mail is jan.kowalski@example.com", "jan.kowalski@example.com"),
        ("call me on +48 600 700 800", "600 700 800"),
        ("telefon 0040-721-234-567 prosze", "721-234"),
        ("numer (22) 123 45 67", "123 45"),
    ],
)
def test_contact_details_are_masked(text: str, secret: str) -> None:
    masked = mask_pii(text)
    assert secret not in masked
    assert "***" in masked


@pytest.mark.parametrize("text", ["ordered on 2026-11-20", "it costs 149.99 zł", "size 42"])
def test_dates_prices_and_sizes_survive(text: str) -> None:
    assert mask_pii(text) == text


@pytest.mark.parametrize("text", ["where is ORD-10234?", "order ord 10234 from 2026-11-20", "ORD10234"])
def test_order_numbers_keep_only_their_last_two_digits(text: str) -> None:
    masked = mask_pii(text)
    assert "10234" not in masked
    assert "ORD-***34" in masked


def test_logging_filter_masks_formatted_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.privacy")
    logger.addFilter(PiiMaskingFilter())
    with caplog.at_level(logging.INFO, logger="test.privacy"):
        logger.info("customer wrote from %s", "anna@example.org")
    assert "anna@example.org" not in caplog.text
    assert "a***@***" in caplog.text
