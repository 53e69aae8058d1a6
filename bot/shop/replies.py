"""What the bot tells a customer about their order, a return or a product's stock, in en, pl and ro.

Pure functions from records to text: the Rasa actions fetch, these words. Dates are the shop's
calendar dates; `today` is passed in so answers (and tests) do not depend on the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.shop.enums import DeliveryMethod, OrderStatus, RefundMethod, RefundState
from bot.shop.records import Availability, Money, Order, Product, Store

_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    "ro": ("luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică"),
}

_STATUS = {
    "en": {
        OrderStatus.PLACED: "placed, waiting for payment",
        OrderStatus.PAID: "paid, being packed",
        OrderStatus.SHIPPED: "shipped, on its way",
        OrderStatus.READY_FOR_PICKUP: "ready for pickup",
        OrderStatus.DELIVERED: "delivered",
        OrderStatus.RETURNED: "returned, refund in progress",
        OrderStatus.REFUNDED: "refunded",
    },
    "pl": {
        OrderStatus.PLACED: "złożone, czeka na płatność",
        OrderStatus.PAID: "opłacone, w trakcie pakowania",
        OrderStatus.SHIPPED: "wysłane, jest w drodze",
        OrderStatus.READY_FOR_PICKUP: "gotowe do odbioru",
        OrderStatus.DELIVERED: "dostarczone",
        OrderStatus.RETURNED: "zwrócone, zwrot pieniędzy w toku",
        OrderStatus.REFUNDED: "zwrócone, pieniądze oddane",
    },
    "ro": {
        OrderStatus.PLACED: "plasată, așteaptă plata",
        OrderStatus.PAID: "plătită, în curs de ambalare",
        OrderStatus.SHIPPED: "expediată, este pe drum",
        OrderStatus.READY_FOR_PICKUP: "gata de ridicare",
        OrderStatus.DELIVERED: "livrată",
        OrderStatus.RETURNED: "returnată, rambursare în curs",
        OrderStatus.REFUNDED: "rambursată",
    },
}

# Phrases; {placeholders} are filled by the functions below.
_TEXT = {
    "en": {
        "headline": "Order {number} from {placed}: {status}.",
        "items": "Items: {items} (total {total}).",
        "item": "{name}, size {size} × {quantity}",
        "carrier": "Carrier: {carrier}. Track the parcel: {url}",
        "expected_delivery": "Expected delivery: {date}.",
        "expected_ready": "Expected to be ready in the store: {date}.",
        "pickup_store": "Pickup store: {store}.",
        "waiting_until": "It waits for you until {date}; bring the order number, and pay at the till if you have not paid yet.",
        "next_placed": "Next: once the payment arrives we pack it; you can still change or cancel the order.",
        "next_placed_pickup": "Next: we prepare it in the store; you pay when you collect it.",
        "next_paid": "Next: we send you a tracking link as soon as it ships.",
        "next_paid_pickup": "Next: we let you know by e-mail and SMS when it is ready in the store.",
        "next_shipped": "Next: follow the parcel with the link; if it has not arrived two days after the expected date, ask me for a consultant.",
        "delivered_on": "Delivered on {date}.",
        "return_until": "You can return it until {date}: in any of our stores, or by courier with the free return code from “My orders”.",
        "return_closed": "The {days}-day return window ended on {date}; a faulty product can still be claimed under the 2-year warranty.",
        "refund_state": "Refund of {total}: {method}, {state}.",
        "refund_pending_hint": "Refunds reach you within 14 days of the return arriving.",
        "not_delivered_yet": "It has not been delivered yet, so there is nothing to return; once it arrives you have {days} days to return it.",
        "not_collected": "If you do not collect it by {date}, the reservation is cancelled and you pay nothing.",
        "return_options": "Ways to return: in any store (refund to your card, or cash at the till if you paid in cash) or by courier with the free return code from “My orders” (refund by transfer).",
        "online": "Online: {count} in stock, delivered in 1–2 working days.",
        "online_none": "Online: sold out right now.",
        "in_stores": "In stores: {stores}.",
        "in_stores_none": "No store has it on the shelf right now.",
        "store_stock": "{store} ({city}) – {count}",
        "nowhere": "{product}, size {size}, is sold out online and in our stores. I can let you know as soon as it is back.",
        "product_line": "{product}, size {size} – {price}.",
        "reserved": "Reserved: {product}, size {size}, in {store} ({address}). Your pickup order is {number}; it waits for you until {date}, and you pay when you collect it.",
        "transfer": "by bank transfer (back to your account or card)",
        "cash": "in cash at the store's till",
        "pending": "in progress",
        "completed": "completed",
    },
    "pl": {
        "headline": "Zamówienie {number} z {placed}: {status}.",
        "items": "Produkty: {items} (razem {total}).",
        "item": "{name}, rozmiar {size} × {quantity}",
        "carrier": "Przewoźnik: {carrier}. Śledzenie przesyłki: {url}",
        "expected_delivery": "Przewidywana dostawa: {date}.",
        "expected_ready": "Przewidywany termin gotowości w salonie: {date}.",
        "pickup_store": "Salon odbioru: {store}.",
        "waiting_until": "Czeka na Ciebie do {date}; weź numer zamówienia, a jeśli jeszcze nie zapłaciłeś, zapłacisz przy kasie.",
        "next_placed": "Co dalej: gdy płatność dotrze, spakujemy zamówienie; nadal możesz je zmienić lub anulować.",
        "next_placed_pickup": "Co dalej: przygotujemy je w salonie, a zapłacisz przy odbiorze.",
        "next_paid": "Co dalej: gdy tylko wyślemy paczkę, dostaniesz link do śledzenia.",
        "next_paid_pickup": "Co dalej: damy znać e-mailem i SMS-em, gdy będzie gotowe w salonie.",
        "next_shipped": "Co dalej: śledź paczkę pod linkiem; jeśli nie dotrze w ciągu dwóch dni od przewidywanej daty, poproś mnie o konsultanta.",
        "delivered_on": "Dostarczone {date}.",
        "return_until": "Możesz je zwrócić do {date}: w dowolnym naszym salonie albo kurierem z darmowym kodem zwrotu z „Moich zamówień”.",
        "return_closed": "{days}-dniowy termin zwrotu minął {date}; wadliwy produkt nadal możesz reklamować w ramach 2-letniej rękojmi.",
        "refund_state": "Zwrot {total}: {method}, {state}.",
        "refund_pending_hint": "Pieniądze oddajemy w ciągu 14 dni od otrzymania zwrotu.",
        "not_delivered_yet": "Zamówienie nie zostało jeszcze dostarczone, więc nie ma czego zwracać; od dostawy masz {days} dni na zwrot.",
        "not_collected": "Jeśli nie odbierzesz go do {date}, rezerwacja zostanie anulowana i nic nie płacisz.",
        "return_options": "Sposoby zwrotu: w dowolnym salonie (zwrot na kartę albo gotówką przy kasie, jeśli płaciłeś gotówką) lub kurierem z darmowym kodem zwrotu z „Moich zamówień” (zwrot przelewem).",
        "online": "Online: {count} szt. dostępne, dostawa w 1–2 dni robocze.",
        "online_none": "Online: obecnie wyprzedane.",
        "in_stores": "W salonach: {stores}.",
        "in_stores_none": "Obecnie żaden salon nie ma go na półce.",
        "store_stock": "{store} ({city}) – {count} szt.",
        "nowhere": "{product}, rozmiar {size}, jest wyprzedany online i w salonach. Mogę dać Ci znać, gdy tylko wróci.",
        "product_line": "{product}, rozmiar {size} – {price}.",
        "reserved": "Zarezerwowane: {product}, rozmiar {size}, w salonie {store} ({address}). Numer zamówienia z odbiorem: {number}; czeka na Ciebie do {date}, a zapłacisz przy odbiorze.",
        "transfer": "przelewem (na konto lub kartę)",
        "cash": "gotówką przy kasie w salonie",
        "pending": "w toku",
        "completed": "zakończony",
    },
    "ro": {
        "headline": "Comanda {number} din {placed}: {status}.",
        "items": "Produse: {items} (total {total}).",
        "item": "{name}, mărimea {size} × {quantity}",
        "carrier": "Curier: {carrier}. Urmărește coletul: {url}",
        "expected_delivery": "Livrare estimată: {date}.",
        "expected_ready": "Estimăm că va fi gata în magazin: {date}.",
        "pickup_store": "Magazinul de ridicare: {store}.",
        "waiting_until": "Te așteaptă până {date}; adu numărul comenzii și, dacă nu ai plătit încă, plătești la casă.",
        "next_placed": "Mai departe: după ce primim plata, o ambalăm; încă o poți modifica sau anula.",
        "next_placed_pickup": "Mai departe: o pregătim în magazin, iar plata se face la ridicare.",
        "next_paid": "Mai departe: îți trimitem linkul de urmărire imediat ce o expediem.",
        "next_paid_pickup": "Mai departe: te anunțăm pe e-mail și SMS când e gata în magazin.",
        "next_shipped": "Mai departe: urmărește coletul cu linkul; dacă nu ajunge în două zile de la data estimată, cere-mi un consultant.",
        "delivered_on": "Livrată pe {date}.",
        "return_until": "O poți returna până {date}: în orice magazin al nostru sau prin curier, cu codul gratuit de retur din „Comenzile mele”.",
        "return_closed": "Termenul de retur de {days} de zile s-a încheiat pe {date}; un produs defect poate fi totuși reclamat în garanția de 2 ani.",
        "refund_state": "Rambursarea a {total}: {method}, {state}.",
        "refund_pending_hint": "Banii ajung în cel mult 14 zile de la primirea returului.",
        "not_delivered_yet": "Comanda nu a fost livrată încă, deci nu ai ce returna; de la livrare ai {days} de zile pentru retur.",
        "not_collected": "Dacă nu o ridici până {date}, rezervarea se anulează și nu plătești nimic.",
        "return_options": "Cum poți returna: în orice magazin (banii înapoi pe card sau numerar la casă, dacă ai plătit numerar) sau prin curier, cu codul gratuit de retur din „Comenzile mele” (rambursare prin transfer).",
        "online": "Online: {count} pe stoc, livrare în 1–2 zile lucrătoare.",
        "online_none": "Online: epuizat momentan.",
        "in_stores": "În magazine: {stores}.",
        "in_stores_none": "Momentan niciun magazin nu îl are pe raft.",
        "store_stock": "{store} ({city}) – {count} buc.",
        "nowhere": "{product}, mărimea {size}, este epuizat online și în magazine. Te pot anunța imediat ce revine.",
        "product_line": "{product}, mărimea {size} – {price}.",
        "reserved": "Rezervat: {product}, mărimea {size}, în magazinul {store} ({address}). Comanda de ridicare este {number}; te așteaptă până {date}, iar plata se face la ridicare.",
        "transfer": "prin transfer bancar (în cont sau pe card)",
        "cash": "numerar, la casa magazinului",
        "pending": "în curs",
        "completed": "finalizată",
    },
}


def _text(language: str) -> dict[str, str]:
    return _TEXT.get(language, _TEXT["en"])


def format_date(day: date, language: str) -> str:
    """ "Tuesday 25.11" / "wtorek 25.11" / "marți 25.11"."""
    return f"{_WEEKDAYS.get(language, _WEEKDAYS['en'])[day.weekday()]} {day:%d.%m}"


def format_money(money: Money, language: str) -> str:
    whole, minor = divmod(money.amount_minor, 100)
    if money.currency == "PLN" and language == "pl":
        return f"{whole},{minor:02d} zł"
    separator = "," if language in ("pl", "ro") else "."
    return f"{whole}{separator}{minor:02d} {money.currency}"


def status_name(status: OrderStatus, language: str) -> str:
    return _STATUS.get(language, _STATUS["en"])[status]


def return_deadline(order: Order, return_days: int) -> date | None:
    """The last day the order can be returned, counted from the day it was delivered or collected."""
    return order.delivered_on + timedelta(days=return_days) if order.delivered_on else None


def _store_label(store: Store) -> str:
    return f"{store.name}, {store.address}, {store.postcode} {store.city}"


def _items(order: Order, language: str) -> str:
    text = _text(language)
    items = "; ".join(
        text["item"].format(name=line.product_name(language), size=line.size, quantity=line.quantity)
        for line in order.lines
    )
    return text["items"].format(items=items, total=format_money(order.total, language))


def _refund(order: Order, language: str) -> list[str]:
    text = _text(language)
    if order.refund_method is None or order.refund_state is None:
        return []
    method = text["cash"] if order.refund_method is RefundMethod.CASH else text["transfer"]
    state = text["completed"] if order.refund_state is RefundState.COMPLETED else text["pending"]
    lines = [text["refund_state"].format(total=format_money(order.total, language), method=method, state=state)]
    if order.refund_state is RefundState.PENDING:
        lines.append(text["refund_pending_hint"])
    return lines


def _return_window(order: Order, language: str, today: date, return_days: int) -> list[str]:
    text = _text(language)
    deadline = return_deadline(order, return_days)
    if deadline is None:
        return []
    if today <= deadline:
        return [text["return_until"].format(date=format_date(deadline, language))]
    return [text["return_closed"].format(days=return_days, date=format_date(deadline, language))]


def order_status_reply(order: Order, language: str, today: date, return_days: int) -> str:
    """Status, items, carrier and tracking link, the expected date, and what the customer can do next."""
    text = _text(language)
    pickup = order.delivery_method is DeliveryMethod.CLICK_AND_COLLECT
    lines = [
        text["headline"].format(
            number=order.number,
            placed=format_date(order.created_at.date(), language),
            status=status_name(order.status, language),
        ),
        _items(order, language),
    ]
    if pickup and order.pickup_store:
        lines.append(text["pickup_store"].format(store=_store_label(order.pickup_store)))
    status = order.status
    if status in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.SHIPPED) and order.expected_date:
        key = "expected_ready" if pickup else "expected_delivery"
        lines.append(text[key].format(date=format_date(order.expected_date, language)))
    if status is OrderStatus.SHIPPED and order.tracking_url:
        lines.append(text["carrier"].format(carrier=order.carrier or "-", url=order.tracking_url))
    if status is OrderStatus.PLACED:
        lines.append(text["next_placed_pickup" if pickup else "next_placed"])
    elif status is OrderStatus.PAID:
        lines.append(text["next_paid_pickup" if pickup else "next_paid"])
    elif status is OrderStatus.SHIPPED:
        lines.append(text["next_shipped"])
    elif status is OrderStatus.READY_FOR_PICKUP and order.hold_until:
        lines.append(text["waiting_until"].format(date=format_date(order.hold_until, language)))
    elif status is OrderStatus.DELIVERED:
        if order.delivered_on:
            lines.append(text["delivered_on"].format(date=format_date(order.delivered_on, language)))
        lines.extend(_return_window(order, language, today, return_days))
    elif status in (OrderStatus.RETURNED, OrderStatus.REFUNDED):
        lines.extend(_refund(order, language))
    return "\n".join(lines)


def order_return_reply(order: Order, language: str, today: date, return_days: int) -> str:
    """The return window and the ways to return an order, or where its refund stands."""
    text = _text(language)
    lines = [
        text["headline"].format(
            number=order.number,
            placed=format_date(order.created_at.date(), language),
            status=status_name(order.status, language),
        )
    ]
    status = order.status
    if status in (OrderStatus.RETURNED, OrderStatus.REFUNDED):
        lines.extend(_refund(order, language))
    elif status is OrderStatus.READY_FOR_PICKUP and order.hold_until:
        lines.append(text["not_collected"].format(date=format_date(order.hold_until, language)))
    elif status is OrderStatus.DELIVERED:
        window = _return_window(order, language, today, return_days)
        lines.extend(window)
        deadline = return_deadline(order, return_days)
        if deadline is not None and today <= deadline:
            lines.append(text["return_options"])
    else:
        lines.append(text["not_delivered_yet"].format(days=return_days))
    return "\n".join(lines)


def availability_reply(
    product: Product, stock: Availability, language: str, stores_first: Sequence[str] = ()
) -> str:
    """Stock of one size online and on store shelves; stores in `stores_first` (the customer's city) lead."""
    text = _text(language)
    name = product.name(language)
    if not stock.in_stock_anywhere:
        return text["nowhere"].format(product=name, size=stock.size)
    lines = [text["product_line"].format(product=name, size=stock.size, price=format_money(product.price, language))]
    lines.append(text["online"].format(count=stock.online) if stock.online > 0 else text["online_none"])
    wanted = {code for code in stores_first}
    shelves = sorted(
        (store for store in stock.stores if store.quantity > 0),
        key=lambda store: (store.store_code not in wanted, -store.quantity, store.store_name),
    )
    if shelves:
        listed = ", ".join(
            text["store_stock"].format(store=store.store_name, city=store.city, count=store.quantity) for store in shelves
        )
        lines.append(text["in_stores"].format(stores=listed))
    else:
        lines.append(text["in_stores_none"])
    return "\n".join(lines)


def reservation_reply(order: Order, language: str) -> str:
    text = _text(language)
    line = order.lines[0]
    store = order.pickup_store
    return text["reserved"].format(
        product=line.product_name(language),
        size=line.size,
        store=store.name if store else "-",
        address=f"{store.address}, {store.city}" if store else "-",
        number=order.number,
        date=format_date(order.hold_until, language) if order.hold_until else "-",
    )
