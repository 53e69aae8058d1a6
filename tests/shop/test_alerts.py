"""Back-in-stock alerts end to end: subscribe, stock arrives in the shop's tables, `notify` sends once.

Real parts only: the seeded demo shop (SQLite and PostgreSQL), a real SMTP server (aiosmtpd) and a real
HTTP SMS gateway (aiohttp) on 127.0.0.1. SHO-810-45 (leather ankle boots, size 45) is the demo shop's
size sold out everywhere.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from bot.settings import PROJECT_ROOT
from bot.shop.alerts import (
    AlertStatus,
    Channel,
    EmailSender,
    InvalidContactError,
    InvalidSubscriptionError,
    Notifier,
    Outcome,
    SmsSender,
    StockAlerts,
    UnknownSubscriptionError,
)
from bot.shop.alerts.models import StockAlertSubscription
from bot.shop.models import ShopStore, ShopStoreStock, ShopVariant
from bot.shop.sql import SqlShopBackend
from bot.stack.ports import free_port

SOLD_OUT = "SHO-810-45"
CONSENT = "I agree to be told once, by e-mail or SMS, when this size is back in stock."
SENDER = "Doradca Shop <alerts@shop.example>"
PRODUCT_URL = "https://shop.example/p/{sku}"
GATEWAY_TOKEN = "gateway-secret"
WAIT_SECONDS = 30


# --- the real SMTP server and SMS gateway -------------------------------------------------------


class CollectingHandler:
    """aiosmtpd handler keeping every message; `hold` keeps a delivery open until the test lets go."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.arrived = threading.Event()
        self.hold: threading.Event | None = None

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.arrived.set()
        if self.hold is not None:
            await asyncio.to_thread(self.hold.wait, WAIT_SECONDS)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    handler: CollectingHandler

    @property
    def messages(self) -> list[tuple[list[str], EmailMessage]]:
        return self.handler.messages

    def sender(self) -> EmailSender:
        return EmailSender("127.0.0.1", self.port, SENDER, starttls=False, timeout_seconds=WAIT_SECONDS)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    handler = CollectingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()  # returns once the server answers
    try:
        yield SmtpServer(port, handler)
    finally:
        if handler.hold is not None:
            handler.hold.set()
        controller.stop()


@dataclass
class SmsGateway:
    url: str
    accepted: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    failures_left: int = 0

    def sender(self) -> SmsSender:
        return SmsSender(self.url, token=GATEWAY_TOKEN, sender="Doradca", timeout_seconds=WAIT_SECONDS)


@pytest.fixture
async def sms_gateway() -> Any:
    gateway = SmsGateway(url="")

    async def send_sms(request: web.Request) -> web.Response:
        gateway.requests += 1
        if request.headers.get("Authorization") != f"Bearer {GATEWAY_TOKEN}":
            return web.json_response({"error": "unauthorised"}, status=401)
        if gateway.failures_left > 0:
            gateway.failures_left -= 1
            return web.json_response({"error": "upstream operator unavailable"}, status=500)
        gateway.accepted.append(await request.json())
        return web.json_response({"id": f"sms-{len(gateway.accepted)}"}, status=202)

    app = web.Application()
    app.router.add_post("/v1/sms", send_sms)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    gateway.url = str(server.make_url("/v1/sms"))
    yield gateway
    await server.close()


# --- the shop and the alerts ----------------------------------------------------------------------


def set_stock(engine: Engine, variant_sku: str, *, online: int = 0, stores: dict[str, int] | None = None) -> None:
    """What the shop's stock system would do when a delivery arrives: write the shop_ tables."""
    with Session(engine) as session, session.begin():
        variant = session.scalar(select(ShopVariant).where(ShopVariant.sku == variant_sku))
        assert variant is not None
        variant.online_stock = online
        for code, quantity in (stores or {}).items():
            store_id = select(ShopStore.id).where(ShopStore.code == code).scalar_subquery()
            session.execute(
                update(ShopStoreStock)
                .where(ShopStoreStock.variant_id == variant.id, ShopStoreStock.store_id == store_id)
                .values(quantity=quantity)
            )


def subscribe(alerts: StockAlerts, contact: str, *, channel: str = "email", language: str = "en",
              variant_sku: str = SOLD_OUT, size: str = "45", product_sku: str = "SHO-810") -> int:
    return alerts.subscribe(
        product_sku=product_sku, variant_sku=variant_sku, size=size, channel=channel, contact=contact,
        language=language, consent_text=CONSENT, conversation_id="conv-1",
    ).id


@pytest.fixture
def alerts(seeded: Engine) -> StockAlerts:
    return StockAlerts(seeded)


NotifierFactory = Callable[..., Notifier]


@pytest.fixture
def make_notifier(seeded: Engine, smtp_server: SmtpServer) -> NotifierFactory:
    def make(engine: Engine = seeded, *, sms: SmsGateway | None = None, max_attempts: int = 5) -> Notifier:
        senders: dict[Channel, Any] = {Channel.EMAIL: smtp_server.sender()}
        if sms is not None:
            senders[Channel.SMS] = sms.sender()
        return Notifier(
            StockAlerts(engine), SqlShopBackend(engine), senders,
            product_url_template=PRODUCT_URL, max_attempts=max_attempts,
        )

    return make


# --- e-mail ---------------------------------------------------------------------------------------


def test_email_waits_for_stock_then_is_sent_exactly_once(
    seeded: Engine, alerts: StockAlerts, make_notifier: NotifierFactory, smtp_server: SmtpServer
) -> None:
    alert_id = subscribe(alerts, " Ewa.Nowak@Example.PL ", language="pl")
    notifier = make_notifier()

    waiting = notifier.run()
    assert [outcome.outcome for outcome in waiting.outcomes] == [Outcome.WAITING]
    assert (waiting.checked, waiting.in_stock, waiting.sent) == (1, 0, 0)
    assert smtp_server.messages == []

    set_stock(seeded, SOLD_OUT, online=4)
    delivered = notifier.run()
    assert (delivered.checked, delivered.in_stock, delivered.sent, delivered.failed) == (1, 1, 1, 0)
    assert delivered.summary() == "checked 1, in stock 1, sent 1, failed 0"
    assert len(smtp_server.messages) == 1
    recipients, email = smtp_server.messages[0]
    assert recipients == ["ewa.nowak@example.pl"]
    assert email["To"] == "ewa.nowak@example.pl"
    assert email["From"] == SENDER
    assert email["Subject"] == "Znów w sprzedaży: Skórzane botki, rozmiar 45"
    body = email.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    assert "Skórzane botki, rozmiar 45, znów jest w sprzedaży" in body
    assert "https://shop.example/p/SHO-810" in body
    assert "anuluj moje alerty" in body  # how to stop the others, in Polish
    assert "Leather ankle boots" not in body

    stored = alerts.get(alert_id)
    assert stored.status == AlertStatus.SENT and stored.attempts == 1 and stored.sent_at is not None
    [delivery] = alerts.deliveries(alert_id)
    assert delivery.succeeded and delivery.subject == email["Subject"] and delivery.text == body
    assert delivery.provider_id == email["Message-ID"]

    again = notifier.run()
    assert again.checked == 0 and again.sent == 0
    assert len(smtp_server.messages) == 1


def test_stock_on_one_store_shelf_is_enough_and_romanian_reads_romanian(
    seeded: Engine, alerts: StockAlerts, make_notifier: NotifierFactory, smtp_server: SmtpServer
) -> None:
    subscribe(alerts, "andrei@example.ro", language="ro")
    set_stock(seeded, SOLD_OUT, online=0, stores={"BUC01": 1})

    report = make_notifier().run()

    assert report.sent == 1
    [(_, email)] = smtp_server.messages
    assert email["Subject"] == "Din nou în stoc: Ghete din piele, mărimea 45"
    assert "Ghete din piele, mărimea 45, este din nou în stoc" in email.get_content()


def test_dry_run_sends_and_changes_nothing(
    seeded: Engine, alerts: StockAlerts, make_notifier: NotifierFactory, smtp_server: SmtpServer
) -> None:
    alert_id = subscribe(alerts, "ewa@example.pl")
    set_stock(seeded, SOLD_OUT, online=1)

    report = make_notifier().run(dry_run=True)

    assert [outcome.outcome for outcome in report.outcomes] == [Outcome.WOULD_SEND]
    assert report.summary() == "checked 1, in stock 1, would send 1, failed 0"
    assert smtp_server.messages == []
    assert alerts.get(alert_id).status == AlertStatus.PENDING and alerts.deliveries(alert_id) == []


def test_cancelled_alert_is_not_sent(
    seeded: Engine, alerts: StockAlerts, make_notifier: NotifierFactory, smtp_server: SmtpServer
) -> None:
    kept = subscribe(alerts, "kept@example.com")
    cancelled = subscribe(alerts, "changed.mind@example.com")
    assert alerts.unsubscribe(cancelled).status == AlertStatus.CANCELLED
    set_stock(seeded, SOLD_OUT, online=2)

    report = make_notifier().run()

    assert [outcome.subscription_id for outcome in report.outcomes] == [kept]
    assert [recipients for recipients, _ in smtp_server.messages] == [["kept@example.com"]]
    # Cancelling again, or cancelling what was sent, changes nothing.
    assert alerts.unsubscribe(cancelled).status == AlertStatus.CANCELLED
    assert alerts.unsubscribe(kept).status == AlertStatus.SENT
    with pytest.raises(UnknownSubscriptionError):
        alerts.unsubscribe(987654)


def test_unreachable_smtp_server_is_recorded_and_retried(
    seeded: Engine, alerts: StockAlerts, smtp_server: SmtpServer
) -> None:
    alert_id = subscribe(alerts, "ewa@example.pl")
    set_stock(seeded, SOLD_OUT, online=1)
    closed_port = free_port()  # nothing listens there: connection refused at once
    broken = Notifier(
        StockAlerts(seeded), SqlShopBackend(seeded),
        {Channel.EMAIL: EmailSender("127.0.0.1", closed_port, SENDER, starttls=False)},
    )

    report = broken.run()

    [outcome] = report.outcomes
    assert outcome.outcome == Outcome.RETRY and report.failed == 1
    stored = alerts.get(alert_id)
    assert stored.status == AlertStatus.PENDING and stored.attempts == 1
    assert f"127.0.0.1:{closed_port}" in (stored.last_error or "")
    assert "ewa@example.pl" not in outcome.line()  # reports and logs carry masked contacts


# --- SMS ------------------------------------------------------------------------------------------


async def test_sms_goes_through_the_gateway(
    seeded: Engine, alerts: StockAlerts, make_notifier: NotifierFactory, sms_gateway: SmsGateway
) -> None:
    alert_id = subscribe(alerts, "+48 600-700-800", channel="sms")
    set_stock(seeded, SOLD_OUT, online=1)

    report = await make_notifier(sms=sms_gateway).run_async()

    assert report.sent == 1
    assert sms_gateway.accepted == [{
        "to": "+48600700800",
        "text": "Leather ankle boots, size 45, is back in stock. https://shop.example/p/SHO-810 One-time alert; "
        "to cancel others write \"cancel my alerts\" in our chat.",
        "sender": "Doradca",
    }]
    [delivery] = alerts.deliveries(alert_id)
    assert delivery.succeeded and delivery.provider_id == "sms-1" and delivery.subject is None


async def test_gateway_errors_are_recorded_and_retried_until_sent_once(
    seeded: Engine, alerts: StockAlerts, make_notifier: NotifierFactory, sms_gateway: SmsGateway
) -> None:
    alert_id = subscribe(alerts, "+40 721 234 567", channel="sms", language="ro")
    set_stock(seeded, SOLD_OUT, online=1)
    sms_gateway.failures_left = 2
    notifier = make_notifier(sms=sms_gateway, max_attempts=5)

    first = await notifier.run_async()
    assert [outcome.outcome for outcome in first.outcomes] == [Outcome.RETRY]
    assert first.summary() == "checked 1, in stock 1, sent 0, failed 1 (1 to retry next run)"
    stored = alerts.get(alert_id)
    assert stored.status == AlertStatus.PENDING and stored.attempts == 1
    assert "HTTP 500" in (stored.last_error or "")

    second = await notifier.run_async()
    assert [outcome.outcome for outcome in second.outcomes] == [Outcome.RETRY]
    third = await notifier.run_async()
    assert [outcome.outcome for outcome in third.outcomes] == [Outcome.SENT]
    fourth = await notifier.run_async()
    assert fourth.checked == 0

    assert sms_gateway.requests == 3 and len(sms_gateway.accepted) == 1
    assert sms_gateway.accepted[0]["to"] == "+40721234567"
    assert "Ghete din piele, mărimea 45" in sms_gateway.accepted[0]["text"]
    assert [delivery.succeeded for delivery in alerts.deliveries(alert_id)] == [False, False, True]
    final = alerts.get(alert_id)
    assert final.status == AlertStatus.SENT and final.attempts == 3 and final.last_error is None


async def test_gives_up_after_max_attempts(
    seeded: Engine, alerts: StockAlerts, make_notifier: NotifierFactory, sms_gateway: SmsGateway
) -> None:
    alert_id = subscribe(alerts, "+48600700800", channel="sms")
    set_stock(seeded, SOLD_OUT, online=1)
    sms_gateway.failures_left = 100
    notifier = make_notifier(sms=sms_gateway, max_attempts=2)

    outcomes = [(await notifier.run_async()).outcomes for _ in range(3)]

    assert [[item.outcome for item in run] for run in outcomes] == [[Outcome.RETRY], [Outcome.FAILED], []]
    stored = alerts.get(alert_id)
    assert stored.status == AlertStatus.FAILED and stored.attempts == 2 and "HTTP 500" in (stored.last_error or "")
    assert sms_gateway.accepted == []


# --- two runs at once -----------------------------------------------------------------------------


def test_concurrent_runs_send_once(
    engine_factory: Callable[[], Engine],
    seeded: Engine,
    alerts: StockAlerts,
    make_notifier: NotifierFactory,
    smtp_server: SmtpServer,
) -> None:
    alert_id = subscribe(alerts, "ewa@example.pl")
    set_stock(seeded, SOLD_OUT, online=1)
    # The first run's e-mail is held open at the SMTP server: the alert is then mid-send, exactly when
    # a second run (another process: its own engine and pool) must not send it too.
    smtp_server.handler.hold = threading.Event()
    first_report: list[Any] = []
    first = threading.Thread(target=lambda: first_report.append(make_notifier(engine_factory()).run()))
    first.start()
    assert smtp_server.handler.arrived.wait(WAIT_SECONDS), "the first run never reached the SMTP server"

    second = make_notifier(engine_factory()).run()

    smtp_server.handler.hold.set()
    first.join(WAIT_SECONDS)
    assert not first.is_alive()
    assert [outcome.outcome for outcome in second.outcomes] in ([], [Outcome.TAKEN])
    assert second.sent == 0
    assert [outcome.outcome for outcome in first_report[0].outcomes] == [Outcome.SENT]
    assert len(smtp_server.messages) == 1
    assert len(alerts.deliveries(alert_id)) == 1


def test_claim_lets_only_one_caller_through(alerts: StockAlerts, engine_factory: Callable[[], Engine]) -> None:
    alert_id = subscribe(alerts, "ewa@example.pl")
    stores = [StockAlerts(engine_factory()) for _ in range(4)]
    start = threading.Barrier(len(stores))
    claimed: list[bool] = []

    def claim(store: StockAlerts) -> None:
        start.wait(WAIT_SECONDS)
        claimed.append(store.claim(alert_id))

    threads = [threading.Thread(target=claim, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert sorted(claimed) == [False, False, False, True]
    assert alerts.get(alert_id).status == AlertStatus.SENDING


# --- subscribing ----------------------------------------------------------------------------------


def test_subscribing_twice_gives_the_same_subscription(alerts: StockAlerts, seeded: Engine) -> None:
    first = alerts.subscribe(
        product_sku="SHO-810", variant_sku=SOLD_OUT, size="45", channel="email", contact="Ewa@Example.pl",
        language="pl", consent_text=CONSENT, conversation_id="conv-1",
    )
    again = alerts.subscribe(
        product_sku="SHO-810", variant_sku=SOLD_OUT, size="45", channel=Channel.EMAIL, contact=" ewa@example.PL",
        language="en", consent_text="other words", conversation_id="conv-2",
    )
    assert again == first
    assert (first.contact, first.language, first.consent_text, first.status) == (
        "ewa@example.pl", "pl", CONSENT, AlertStatus.PENDING,
    )
    assert first.consent_given_at is not None and first.conversation_id == "conv-1"

    other_size = subscribe(alerts, "ewa@example.pl", variant_sku="SHO-810-44", size="44")
    by_sms = subscribe(alerts, "+48 600 700 800", channel="sms")
    assert len({first.id, other_size, by_sms}) == 3

    alerts.unsubscribe(first.id)
    renewed = subscribe(alerts, "ewa@example.pl")
    assert renewed != first.id
    with Session(seeded) as session:
        assert session.scalar(select(func.count()).select_from(StockAlertSubscription)) == 4


def test_unsubscribe_contact_cancels_all_waiting_alerts(alerts: StockAlerts) -> None:
    ids = [subscribe(alerts, "ewa@example.pl"), subscribe(alerts, "ewa@example.pl", variant_sku="SHO-810-44", size="44")]
    other = subscribe(alerts, "jan@example.pl")

    cancelled = alerts.unsubscribe_contact("email", "EWA@example.pl")

    assert [item.id for item in cancelled] == ids
    assert {item.status for item in alerts.of_contact("email", "ewa@example.pl")} == {AlertStatus.CANCELLED}
    assert alerts.get(other).status == AlertStatus.PENDING


@pytest.mark.parametrize(
    ("channel", "contact", "reason"),
    [
        ("email", "ewa.example.pl", "expected an address like name@example.com"),
        ("email", "ewa@", "expected an address like name@example.com"),
        ("email", "ewa@example", "expected an address like name@example.com"),
        ("email", "   ", "it is empty"),
        ("sms", "600 700 800", "include the country code"),
        ("sms", "+48 600 7OO 800", "expected a mobile number"),
        ("sms", "+48 12", "expected a mobile number"),
        ("sms", "ewa@example.pl", "expected a mobile number"),
    ],
)
def test_invalid_contact_is_rejected_and_nothing_stored(
    alerts: StockAlerts, seeded: Engine, channel: str, contact: str, reason: str
) -> None:
    with pytest.raises(InvalidContactError) as raised:
        subscribe(alerts, contact, channel=channel)
    assert reason in str(raised.value) and reason in raised.value.reason
    assert "ewa@example.pl" not in str(raised.value)  # the message is safe to log
    with Session(seeded) as session:
        assert session.scalar(select(func.count()).select_from(StockAlertSubscription)) == 0


@pytest.mark.parametrize(
    ("contact", "stored"),
    [("+48 600 700 800", "+48600700800"), ("0040 (721) 234-567", "+40721234567"), ("+44.20.7946.0958", "+442079460958")],
)
def test_phone_numbers_are_stored_in_e164(alerts: StockAlerts, contact: str, stored: str) -> None:
    assert alerts.get(subscribe(alerts, contact, channel="sms")).contact == stored


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent_text": "  "}, "consent_text is empty"),
        ({"language": "de"}, "unknown language 'de'"),
        ({"channel": "fax"}, "unknown channel 'fax'"),
        ({"variant_sku": ""}, "variant_sku is empty"),
    ],
)
def test_incomplete_request_is_rejected(alerts: StockAlerts, change: dict[str, str], message: str) -> None:
    request = {
        "product_sku": "SHO-810", "variant_sku": SOLD_OUT, "size": "45", "channel": "email",
        "contact": "ewa@example.pl", "language": "en", "consent_text": CONSENT,
    } | change
    with pytest.raises(InvalidSubscriptionError, match=message):
        alerts.subscribe(**request)


def test_alert_for_a_product_the_shop_no_longer_has_fails_without_stopping_others(
    seeded: Engine, alerts: StockAlerts, make_notifier: NotifierFactory, smtp_server: SmtpServer
) -> None:
    gone = subscribe(alerts, "ewa@example.pl", product_sku="OLD-1", variant_sku="OLD-1-M", size="M")
    fine = subscribe(alerts, "jan@example.pl")
    set_stock(seeded, SOLD_OUT, online=1)

    report = make_notifier().run()

    assert {outcome.subscription_id: outcome.outcome for outcome in report.outcomes} == {
        gone: Outcome.FAILED, fine: Outcome.SENT,
    }
    assert "OLD-1-M" in (alerts.get(gone).last_error or "")
    assert [recipients for recipients, _ in smtp_server.messages] == [["jan@example.pl"]]


# --- the command ----------------------------------------------------------------------------------


@pytest.fixture
def configured(database_url: str, tmp_path: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process-wide settings and engine pointed at the test's database and SMTP server."""
    from bot.db import get_engine
    from bot.settings import get_settings

    environment = {
        "DORADCA_SETTINGS": str(tmp_path / "none.yml"),
        "DORADCA_VAR_DIR": str(tmp_path / "var"),
        "DORADCA_DATABASE_URL": database_url,
        "DORADCA_SMTP_HOST": "127.0.0.1",
        "DORADCA_SMTP_PORT": str(smtp_server.port),
        "DORADCA_SMTP_STARTTLS": "false",
        "DORADCA_ALERT_SENDER_EMAIL": SENDER,
        "DORADCA_SHOP_PRODUCT_URL": PRODUCT_URL,
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield
    get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


def test_notify_command_sends_and_prints_a_summary(
    configured: None, seeded: Engine, alerts: StockAlerts, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    subscribe(alerts, "ewa@example.pl")
    subscribe(alerts, "jan@example.pl", variant_sku="SHO-810-44", size="44")
    set_stock(seeded, SOLD_OUT, online=1)

    assert main(["notify", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("dry run: checked 2, in stock")
    assert smtp_server.messages == []

    assert main(["notify"]) == 0
    output = capsys.readouterr().out
    assert output.splitlines()[-1].startswith("checked 2, in stock ")
    assert output.splitlines()[-1].endswith("failed 0")
    assert "ewa@example.pl" not in output
    assert ["ewa@example.pl"] in [recipients for recipients, _ in smtp_server.messages]


def test_notify_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "notify", "--help"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DORADCA_SETTINGS": "/nonexistent/doradca.yml"},
    )
    assert result.returncode == 0, result.stderr
    assert "--dry-run" in result.stdout and "--every SECONDS" in result.stdout


def test_notify_refuses_half_configured_email(configured: None, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main
    from bot.settings import get_settings

    monkeypatch.setenv("DORADCA_ALERT_SENDER_EMAIL", "")
    get_settings.cache_clear()

    assert main(["notify"]) == 2
    assert "alert_sender_email" in capsys.readouterr().err


def test_notify_every_keeps_running_until_terminated(
    database_url: str, seeded: Engine, alerts: StockAlerts, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    import queue
    import signal

    subscribe(alerts, "ewa@example.pl")
    environment = {
        **os.environ,
        "DORADCA_SETTINGS": str(tmp_path / "none.yml"),
        "DORADCA_VAR_DIR": str(tmp_path / "var"),
        "DORADCA_DATABASE_URL": database_url,
        "DORADCA_SMTP_HOST": "127.0.0.1",
        "DORADCA_SMTP_PORT": str(smtp_server.port),
        "DORADCA_SMTP_STARTTLS": "false",
        "DORADCA_ALERT_SENDER_EMAIL": SENDER,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "notify", "--every", "0.2"],
        cwd=PROJECT_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or []], daemon=True).start()

    def next_summary() -> str:
        while True:
            line = lines.get(timeout=WAIT_SECONDS)
            if line.startswith("checked "):
                return line.strip()

    try:
        assert next_summary() == "checked 1, in stock 0, sent 0, failed 0"
        set_stock(seeded, SOLD_OUT, online=1)
        # Later passes notice the stock without a restart; the one after the send finds nothing due.
        while (summary := next_summary()) == "checked 1, in stock 0, sent 0, failed 0":
            pass
        assert summary == "checked 1, in stock 1, sent 1, failed 0"
        assert next_summary() == "checked 0, in stock 0, sent 0, failed 0"
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, errors
    assert len(smtp_server.messages) == 1
