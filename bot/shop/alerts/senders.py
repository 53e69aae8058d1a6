"""Handing an alert over for delivery: e-mail to an SMTP server, SMS to an HTTP gateway.

A sender raises SendError for anything that went wrong (refused, timed out, unreachable); the notify
run records it and tries again next time. Senders are cheap to create and connect only when sending.
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import ssl
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any, Protocol

import aiohttp

from bot.settings import Settings, SettingsError
from bot.shop.alerts.messages import AlertMessage
from bot.shop.alerts.models import Channel


class SendError(Exception):
    """The message could not be handed over; the text says why (and holds no personal data)."""


class AlertSender(Protocol):
    channel: Channel

    async def send(self, contact: str, message: AlertMessage) -> str | None:
        """Hand the message over for `contact`; returns the provider's id for it, if any. Raises SendError."""
        ...


class EmailSender:
    """Sends alerts as plain-text UTF-8 e-mails through an SMTP server (stdlib smtplib, in a thread)."""

    channel = Channel.EMAIL

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str = "",
        password: str = "",
        starttls: bool = True,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self._password = password
        self.starttls = starttls
        self.timeout_seconds = timeout_seconds

    async def send(self, contact: str, message: AlertMessage) -> str | None:
        email = self.build_email(contact, message)
        # smtplib blocks; a worker thread keeps the event loop (and the SMS sends) moving meanwhile.
        await asyncio.to_thread(self._deliver, email)
        return str(email["Message-ID"])

    def build_email(self, contact: str, message: AlertMessage) -> EmailMessage:
        """The MIME message for one subscriber (public so tests and previews see what is sent)."""
        email = EmailMessage()
        email["Subject"] = message.subject or ""
        email["From"] = self.sender
        email["To"] = contact
        email["Date"] = format_datetime(datetime.now(timezone.utc))
        email["Message-ID"] = make_msgid(domain=_domain_of(self.sender))
        # Tells auto-responders (and mail filters) this is automated, not a conversation to answer.
        email["Auto-Submitted"] = "auto-generated"
        email.set_content(message.text, charset="utf-8")
        return email

    def _deliver(self, email: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self._password)
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _ in error.recipients.values()})
            raise SendError(f"SMTP server {self.host}:{self.port} refused the recipient (codes {codes})") from error
        except smtplib.SMTPResponseException as error:
            reason = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
            raise SendError(f"SMTP server {self.host}:{self.port} answered {error.smtp_code} {reason}") from error
        except (smtplib.SMTPException, OSError) as error:
            # OSError covers refused connections, DNS failures and timeouts (socket.timeout).
            raise SendError(f"SMTP server {self.host}:{self.port}: {error.__class__.__name__}: {error}") from error


class SmsSender:
    """Sends alerts through an HTTP SMS gateway: POST JSON {"to", "text", "sender"} with a bearer token.

    Any 2xx answer means the gateway accepted the SMS; its JSON `id`, if any, is kept as the provider id.
    """

    channel = Channel.SMS

    def __init__(self, url: str, *, token: str = "", sender: str = "Doradca", timeout_seconds: float = 10.0) -> None:
        self.url = url
        self._token = token
        self.sender = sender
        self.timeout_seconds = timeout_seconds

    async def send(self, contact: str, message: AlertMessage) -> str | None:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        payload = {"to": contact, "text": message.text, "sender": self.sender}
        timeout = aiohttp.ClientTimeout(total=self.timeout_seconds)
        try:
            # A session per SMS: notify runs are minutes apart and send a handful, so pooling buys
            # nothing and a session per call leaves no state to close when a run is interrupted.
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(self.url, json=payload, headers=headers) as response:
                    body = await response.text()
                    if not 200 <= response.status < 300:
                        raise SendError(f"SMS gateway answered HTTP {response.status}: {body[:200].strip()}")
                    return _gateway_id(body, response.content_type)
        except asyncio.TimeoutError as error:
            raise SendError(f"SMS gateway did not answer within {self.timeout_seconds:g} s") from error
        except aiohttp.ClientError as error:
            raise SendError(f"SMS gateway unreachable: {error.__class__.__name__}: {error}") from error


def _gateway_id(body: str, content_type: str) -> str | None:
    if content_type != "application/json":
        return None
    try:
        answer: Any = json.loads(body)
    except ValueError:
        return None
    identifier = answer.get("id") if isinstance(answer, dict) else None
    return str(identifier) if identifier is not None else None


def _domain_of(sender: str) -> str | None:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or None


def senders_from_settings(settings: Settings) -> dict[Channel, AlertSender]:
    """The senders the settings configure: e-mail when smtp_host is set, SMS when sms_gateway_url is.

    Raises SettingsError for a half-done configuration (an SMTP server but no From address).
    """
    senders: dict[Channel, AlertSender] = {}
    if settings.smtp_host:
        if not settings.alert_sender_email or "@" not in parseaddr(settings.alert_sender_email)[1]:
            raise SettingsError(
                "smtp_host is set but alert_sender_email is not a From address, e.g. 'Shop <alerts@shop.example>'"
            )
        senders[Channel.EMAIL] = EmailSender(
            settings.smtp_host,
            settings.smtp_port,
            settings.alert_sender_email,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            timeout_seconds=settings.alert_send_timeout_seconds,
        )
    if settings.sms_gateway_url:
        if not settings.sms_gateway_url.startswith(("http://", "https://")):
            raise SettingsError(f"sms_gateway_url must be an http(s) URL, not {settings.sms_gateway_url!r}")
        senders[Channel.SMS] = SmsSender(
            settings.sms_gateway_url,
            token=settings.sms_gateway_token,
            sender=settings.sms_sender,
            timeout_seconds=settings.alert_send_timeout_seconds,
        )
    return senders
