"""The words of a back-in-stock alert, in the subscriber's language (en, pl, ro)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.shop.alerts.models import Channel


@dataclass(frozen=True)
class AlertMessage:
    """What one subscriber is sent. `subject` only for e-mails; `text` is the body, or the whole SMS."""

    channel: Channel
    subject: str | None
    text: str


@dataclass(frozen=True)
class _Wording:
    subject: str
    greeting: str
    back: str
    link: str
    no_link: str
    one_time: str
    stop: str
    sign_off: str
    sms: str


# {product} and {size} are filled in; the customer asked for this in our chat, so the "how to stop"
# line points back there.
_WORDING: dict[str, _Wording] = {
    "en": _Wording(
        subject="Back in stock: {product}, size {size}",
        greeting="Hello,",
        back="Good news: {product} in size {size} is back in stock.",
        link="See it in the shop: {url}",
        no_link="You can order it in our online shop or find it in one of our stores.",
        one_time="You asked for this one-time alert in our chat; we will not write about this product again.",
        stop="To cancel your other back-in-stock alerts, write \"cancel my alerts\" to our chat assistant.",
        sign_off="Best regards,\nYour shop",
        sms="{product}, size {size}, is back in stock.{link} One-time alert; to cancel others write "
        "\"cancel my alerts\" in our chat.",
    ),
    "pl": _Wording(
        subject="Znów w sprzedaży: {product}, rozmiar {size}",
        greeting="Dzień dobry,",
        back="Dobra wiadomość: {product}, rozmiar {size}, znów jest w sprzedaży.",
        link="Zobacz w sklepie: {url}",
        no_link="Zamówienie złożysz w naszym sklepie internetowym; produkt znajdziesz też w naszych sklepach stacjonarnych.",
        one_time="Ten jednorazowy alert zamówiono na naszym czacie; nie napiszemy już o tym produkcie.",
        stop="Aby anulować pozostałe alerty o dostępności, napisz \"anuluj moje alerty\" do naszego asystenta na czacie.",
        sign_off="Pozdrawiamy,\nTwój sklep",
        sms="{product}, rozmiar {size}, znów w sprzedaży.{link} Alert jednorazowy; aby anulować inne, napisz "
        "\"anuluj moje alerty\" na czacie.",
    ),
    "ro": _Wording(
        subject="Din nou în stoc: {product}, mărimea {size}",
        greeting="Bună ziua,",
        back="Vești bune: {product}, mărimea {size}, este din nou în stoc.",
        link="Vezi produsul în magazin: {url}",
        no_link="Produsul poate fi comandat din magazinul nostru online sau găsit într-unul dintre magazinele noastre.",
        one_time="Ați cerut această alertă unică în chatul nostru; nu vă vom mai scrie despre acest produs.",
        stop="Pentru a anula celelalte alerte de stoc, scrieți \"anulează alertele mele\" asistentului din chat.",
        sign_off="Cu drag,\nMagazinul dumneavoastră",
        sms="{product}, mărimea {size}, este din nou în stoc.{link} Alertă unică; pentru a anula altele scrieți "
        "\"anulează alertele mele\" în chat.",
    ),
}


def product_url(template: str, product_sku: str) -> str | None:
    """The product page from the `shop_product_url` setting ("https://shop.example/p/{sku}"), or None."""
    return template.replace("{sku}", product_sku) if template else None


def compose_alert(channel: Channel, language: str, product_name: str, size: str, url: str | None) -> AlertMessage:
    """The alert for one subscriber; an unknown language falls back to English."""
    words = _WORDING.get(language, _WORDING["en"])
    values = {"product": product_name, "size": size}
    if channel == Channel.SMS:
        link = f" {url}" if url else ""
        return AlertMessage(channel=channel, subject=None, text=words.sms.format(link=link, **values))
    lines = [
        words.greeting,
        "",
        words.back.format(**values),
        words.link.format(url=url) if url else words.no_link,
        "",
        words.one_time,
        words.stop,
        "",
        words.sign_off,
    ]
    return AlertMessage(channel=channel, subject=words.subject.format(**values), text="\n".join(lines) + "\n")
