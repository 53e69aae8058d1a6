"""The demo shop's content: an online fashion and home-goods shop with stores in Poland and Romania.

Plain data, no database: bot.shop.seed writes it. Dates are days relative to the day of seeding, so
a freshly seeded shop always has a parcel on its way and a pickup order waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from bot.shop.enums import DeliveryMethod, OrderStatus, RefundMethod, RefundState

CLOTHES_SIZES = ("S", "M", "L", "XL")
SHOE_SIZES = tuple(str(size) for size in range(38, 46))
ONE_SIZE = ("one size",)


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    category: str
    price_minor: int
    en: str
    pl: str
    ro: str
    sizes: tuple[str, ...]

    @property
    def names(self) -> dict[str, str]:
        return {"en": self.en, "pl": self.pl, "ro": self.ro}


def variant_sku(product_sku: str, size: str) -> str:
    return f"{product_sku}-{'U' if size == ONE_SIZE[0] else size}"


PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct("TSH-100", "t-shirts", 5999, "Organic cotton T-shirt", "Koszulka z bawełny organicznej",
                "Tricou din bumbac organic", CLOTHES_SIZES),
    DemoProduct("TSH-110", "t-shirts", 7999, "Striped long-sleeve top", "Bluzka w paski z długim rękawem",
                "Bluză în dungi cu mânecă lungă", CLOTHES_SIZES),
    DemoProduct("SHI-200", "shirts", 14999, "Flannel check shirt", "Koszula flanelowa w kratę",
                "Cămașă din flanel în carouri", CLOTHES_SIZES),
    DemoProduct("SHI-210", "shirts", 16999, "Linen shirt", "Lniana koszula", "Cămașă din in", CLOTHES_SIZES),
    DemoProduct("DRS-300", "dresses", 22999, "Linen midi dress", "Lniana sukienka midi", "Rochie midi din in",
                CLOTHES_SIZES),
    DemoProduct("DRS-310", "dresses", 19999, "Knitted jumper dress", "Dzianinowa sukienka swetrowa",
                "Rochie tricotată", CLOTHES_SIZES),
    DemoProduct("SWT-400", "knitwear", 25999, "Merino wool jumper", "Sweter z wełny merynosów",
                "Pulover din lână merinos", CLOTHES_SIZES),
    DemoProduct("SWT-410", "knitwear", 13999, "Hooded sweatshirt", "Bluza z kapturem", "Hanorac cu glugă",
                CLOTHES_SIZES),
    DemoProduct("JNS-500", "trousers", 18999, "Straight-leg jeans", "Dżinsy z prostą nogawką",
                "Blugi cu croială dreaptă", CLOTHES_SIZES),
    DemoProduct("JKT-600", "jackets", 34999, "Waterproof rain jacket", "Kurtka przeciwdeszczowa",
                "Geacă impermeabilă de ploaie", CLOTHES_SIZES),
    DemoProduct("JKT-610", "jackets", 49999, "Quilted down jacket", "Pikowana kurtka puchowa",
                "Geacă matlasată cu puf", CLOTHES_SIZES),
    DemoProduct("SKT-700", "skirts", 12999, "Pleated skirt", "Plisowana spódnica", "Fustă plisată",
                CLOTHES_SIZES),
    DemoProduct("SHO-800", "shoes", 15999, "Canvas sneakers", "Trampki płócienne", "Teniși din pânză",
                SHOE_SIZES),
    DemoProduct("SHO-810", "shoes", 39999, "Leather ankle boots", "Skórzane botki", "Ghete din piele",
                SHOE_SIZES),
    DemoProduct("SHO-820", "shoes", 34999, "Running shoes", "Buty do biegania", "Pantofi de alergare",
                SHOE_SIZES),
    DemoProduct("SHO-830", "shoes", 28999, "Suede loafers", "Zamszowe mokasyny", "Mocasini din piele întoarsă",
                SHOE_SIZES),
    DemoProduct("HOM-900", "kitchen", 3499, "Stoneware mug", "Kubek z kamionki", "Cană din gresie", ONE_SIZE),
    DemoProduct("HOM-901", "bathroom", 6999, "Bath towel", "Ręcznik kąpielowy", "Prosop de baie", ONE_SIZE),
    DemoProduct("HOM-902", "bedroom", 24999, "Cotton sateen bedding set", "Komplet pościeli z satyny bawełnianej",
                "Set lenjerie de pat din bumbac satinat", ONE_SIZE),
    DemoProduct("HOM-903", "decor", 4999, "Scented soy candle", "Świeca sojowa zapachowa",
                "Lumânare parfumată din soia", ONE_SIZE),
    DemoProduct("HOM-904", "decor", 5999, "Linen cushion cover", "Lniana poszewka na poduszkę",
                "Față de pernă din in", ONE_SIZE),
    DemoProduct("HOM-905", "bedroom", 29999, "Chunky knit blanket", "Koc z grubej dzianiny",
                "Pătură tricotată groasă", ONE_SIZE),
    DemoProduct("HOM-906", "decor", 8999, "Ceramic vase", "Wazon ceramiczny", "Vază din ceramică", ONE_SIZE),
    DemoProduct("HOM-907", "lighting", 17999, "Bedside lamp", "Lampka nocna", "Veioză", ONE_SIZE),
    DemoProduct("HOM-908", "kitchen", 5499, "Glass carafe", "Karafka szklana", "Carafă din sticlă", ONE_SIZE),
)


@dataclass(frozen=True)
class DemoStore:
    code: str
    name: str
    city: str
    address: str
    postcode: str
    time_zone: str
    # weekday (0 = Monday) -> (opens, closes); a missing weekday is closed.
    hours: dict[int, tuple[time, time]]


def _hours(weekdays: range | tuple[int, ...], opens: int, closes: int) -> dict[int, tuple[time, time]]:
    return {day: (time(opens), time(closes)) for day in weekdays}


STORES: tuple[DemoStore, ...] = (
    # Polish stores close on most Sundays (the Sunday trading ban); the Bucharest one opens.
    DemoStore("WAW01", "Doradca Warszawa Centrum", "Warszawa", "ul. Marszałkowska 104", "00-017",
              "Europe/Warsaw", _hours(range(6), 10, 21)),
    DemoStore("KRK01", "Doradca Kraków Stare Miasto", "Kraków", "ul. Floriańska 12", "31-019",
              "Europe/Warsaw", {**_hours(range(5), 10, 20), **_hours((5,), 10, 18)}),
    DemoStore("GDN01", "Doradca Gdańsk Długa", "Gdańsk", "ul. Długa 45", "80-827",
              "Europe/Warsaw", _hours(range(6), 10, 20)),
    DemoStore("BUC01", "Doradca București Unirii", "București", "Bulevardul Unirii 15", "030167",
              "Europe/Bucharest", {**_hours(range(6), 10, 22), **_hours((6,), 10, 20)}),
)


@dataclass(frozen=True)
class DemoCustomer:
    email: str
    name: str
    phone: str
    postcode: str
    address: str


CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer("anna.kowalska@example.com", "Anna Kowalska", "+48 601 234 567", "00-950",
                 "ul. Nowy Świat 21/4, Warszawa"),
    DemoCustomer("piotr.nowak@example.com", "Piotr Nowak", "+48 602 345 678", "31-042",
                 "ul. Grodzka 8/2, Kraków"),
    DemoCustomer("katarzyna.wisniewska@example.com", "Katarzyna Wiśniewska", "+48 603 456 789", "80-831",
                 "ul. Mariacka 3/1, Gdańsk"),
    DemoCustomer("tomasz.wojcik@example.net", "Tomasz Wójcik", "+48 604 567 890", "02-495",
                 "ul. Bolesława Chrobrego 10/15, Warszawa"),
    DemoCustomer("magdalena.lewandowska@example.org", "Magdalena Lewandowska", "+48 605 678 901", "60-101",
                 "ul. Głogowska 40/7, Poznań"),
    DemoCustomer("jakub.zielinski@example.com", "Jakub Zieliński", "+48 606 789 012", "50-001",
                 "ul. Świdnicka 5/9, Wrocław"),
    DemoCustomer("marek.kaminski@example.com", "Marek Kamiński", "+48 607 890 123", "90-001",
                 "ul. Piotrkowska 100/3, Łódź"),
    DemoCustomer("emily.carter@example.com", "Emily Carter", "+44 7700 900123", "00-680",
                 "ul. Hoża 51/12, Warszawa"),
    DemoCustomer("ioana.popescu@example.com", "Ioana Popescu", "+40 721 234 567", "010101",
                 "Strada Academiei 7, ap. 3, București"),
    DemoCustomer("andrei.ionescu@example.com", "Andrei Ionescu", "+40 722 345 678", "030167",
                 "Bulevardul Unirii 20, ap. 41, București"),
)


@dataclass(frozen=True)
class Carrier:
    name: str
    tracking_url: str  # with {number}
    number_digits: int


INPOST = Carrier("InPost", "https://inpost.pl/sledzenie-przesylek?number={number}", 24)
DPD = Carrier("DPD Polska", "https://tracktrace.dpd.com.pl/parcelDetails?typ=1&p1={number}", 14)
FAN_COURIER = Carrier("FAN Courier", "https://www.fancourier.ro/awb-tracking/?tracking={number}", 13)


@dataclass(frozen=True)
class DemoOrder:
    number: str
    email: str
    status: OrderStatus
    lines: tuple[tuple[str, int], ...]  # (variant SKU, quantity)
    created_days_ago: int
    store: str | None = None            # click and collect when set
    carrier: Carrier | None = None
    expected_in_days: int | None = None  # relative to today; negative is in the past
    hold_days_left: int | None = None    # ready for pickup: days the store still keeps it
    delivered_days_ago: int | None = None
    refund: tuple[RefundMethod, RefundState] | None = None
    placed_by: str | None = None

    @property
    def delivery_method(self) -> DeliveryMethod:
        return DeliveryMethod.CLICK_AND_COLLECT if self.store else DeliveryMethod.COURIER


S = OrderStatus
ORDERS: tuple[DemoOrder, ...] = (
    DemoOrder("ORD-10231", "anna.kowalska@example.com", S.PLACED, (("HOM-903-U", 2), ("HOM-900-U", 4)), 0,
              expected_in_days=3),
    DemoOrder("ORD-10232", "piotr.nowak@example.com", S.PAID, (("JNS-500-L", 1),), 1, expected_in_days=2),
    DemoOrder("ORD-10233", "emily.carter@example.com", S.PAID, (("SWT-400-S", 1),), 1, store="WAW01",
              expected_in_days=2),
    DemoOrder("ORD-10234", "anna.kowalska@example.com", S.SHIPPED, (("DRS-300-M", 1), ("SHO-800-38", 1)), 2,
              carrier=INPOST, expected_in_days=1),
    DemoOrder("ORD-10235", "katarzyna.wisniewska@example.com", S.SHIPPED, (("HOM-902-U", 1),), 3, carrier=DPD,
              expected_in_days=0),
    DemoOrder("ORD-10236", "ioana.popescu@example.com", S.SHIPPED, (("JKT-600-M", 1), ("TSH-100-S", 2)), 3,
              carrier=FAN_COURIER, expected_in_days=2),
    DemoOrder("ORD-10237", "piotr.nowak@example.com", S.READY_FOR_PICKUP, (("SHO-820-43", 1),), 4, store="KRK01",
              expected_in_days=-1, hold_days_left=4),
    DemoOrder("ORD-10238", "andrei.ionescu@example.com", S.READY_FOR_PICKUP, (("SHI-200-L", 1), ("HOM-908-U", 1)),
              3, store="BUC01", expected_in_days=0, hold_days_left=5),
    DemoOrder("ORD-10239", "tomasz.wojcik@example.net", S.DELIVERED, (("SHO-810-44", 1),), 9, carrier=INPOST,
              expected_in_days=-6, delivered_days_ago=6),
    DemoOrder("ORD-10240", "katarzyna.wisniewska@example.com", S.DELIVERED, (("HOM-905-U", 1),), 20, store="GDN01",
              expected_in_days=-17, delivered_days_ago=16),
    # Delivered 41 days ago: past the 30-day return window.
    DemoOrder("ORD-10241", "magdalena.lewandowska@example.org", S.DELIVERED, (("SKT-700-M", 1), ("TSH-110-M", 1)),
              45, carrier=DPD, expected_in_days=-42, delivered_days_ago=41),
    DemoOrder("ORD-10242", "jakub.zielinski@example.com", S.RETURNED, (("JKT-610-XL", 1),), 15, carrier=INPOST,
              expected_in_days=-12, delivered_days_ago=11, refund=(RefundMethod.TRANSFER, RefundState.PENDING)),
    DemoOrder("ORD-10243", "emily.carter@example.com", S.RETURNED, (("DRS-310-S", 1),), 12, store="WAW01",
              expected_in_days=-10, delivered_days_ago=9, refund=(RefundMethod.TRANSFER, RefundState.PENDING)),
    DemoOrder("ORD-10244", "marek.kaminski@example.com", S.REFUNDED, (("SHO-830-42", 1),), 30, carrier=DPD,
              expected_in_days=-27, delivered_days_ago=26, refund=(RefundMethod.TRANSFER, RefundState.COMPLETED)),
    DemoOrder("ORD-10245", "katarzyna.wisniewska@example.com", S.REFUNDED, (("HOM-906-U", 1), ("HOM-904-U", 2)),
              25, store="GDN01", expected_in_days=-22, delivered_days_ago=21,
              refund=(RefundMethod.CASH, RefundState.COMPLETED)),
    # Placed by a live consultant for a customer on chat.
    DemoOrder("ORD-10246", "magdalena.lewandowska@example.org", S.PLACED, (("SHI-210-M", 1),), 0, store="KRK01",
              expected_in_days=2, placed_by="ewa"),
)

# Stock that demos and tests rely on; every other figure comes from the seeded random generator.
FIXED_STOCK: dict[str, tuple[int, dict[str, int]]] = {
    # Sold out everywhere: what back-in-stock alerts are for.
    "SHO-810-45": (0, {"WAW01": 0, "KRK01": 0, "GDN01": 0, "BUC01": 0}),
    # Not online, but on a shelf in Kraków: click and collect from the store.
    "DRS-300-M": (0, {"WAW01": 0, "KRK01": 2, "GDN01": 0, "BUC01": 0}),
    # The last one online.
    "JKT-600-L": (1, {"WAW01": 0, "KRK01": 0, "GDN01": 1, "BUC01": 0}),
}
RANDOM_SEED = 20240611
