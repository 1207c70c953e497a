"""The ePayment checklist items (reference §11), in the checklist's order and short words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    ENDPOINT = "endpoint"
    QA = "qa"
    PITFALL = "pitfall"
    GO_LIVE = "go-live"


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    kind: Kind
    automatic: bool  # True: a request/response log can prove it; False: a person must say so
    evidence: str  # what proves it, in words a QA tester can check by hand
    # The environment whose exchanges can meet it; the simulator or a custom URL only rehearse it.
    environment: str = "test"


def _item(
    id_: str, title: str, kind: Kind, automatic: bool, evidence: str, environment: str = "test"
) -> ChecklistItem:
    return ChecklistItem(id_, title, kind, automatic, evidence, environment)


E, Q, P, G = Kind.ENDPOINT, Kind.QA, Kind.PITFALL, Kind.GO_LIVE

ITEMS: tuple[ChecklistItem, ...] = (
    _item("E1", "Create payment", E, True, "a 201 with reference (+ redirectUrl but PUSH)"),
    _item("E2", "Get payment", E, True, "200 GETs of a reference, one showing a final state"),
    _item("E3", "Get payment event log", E, True, "a 200 events call"),
    _item("E4", "Cancel payment", E, True, "a 200 cancel: TERMINATED or cancelledAmount > 0"),
    _item("E5", "Full and partial capture", E, True, "a capture below authorized, one reaching it"),
    _item("E6", "Full and partial refund", E, True, "a refund below captured and one reaching it"),
    _item(
        "Q1",
        "Implement both webhooks and polling",
        Q,
        True,
        "a verified webhook and a 200 GET of the same payment",
    ),
    _item(
        "Q2",
        "Handle all states and events",
        Q,
        True,
        "GETs showing CREATED, AUTHORIZED, ABORTED, EXPIRED, TERMINATED; "
        "events CANCELLED, CAPTURED, REFUNDED",
    ),
    _item("Q3", "Handle errors", Q, True, "a logged problem+json with traceId and an ErrorCode"),
    _item(
        "Q4",
        "Include HTTP headers in all requests",
        Q,
        True,
        "every ePayment request carries the four Vipps-System-* headers and MSN",
    ),
    _item(
        "Q5",
        "Add order details to the payment history",
        Q,
        True,
        "a 201 create with a receipt, or an Order Management call",
    ),
    _item(
        "P1",
        "Send a useful reference",
        P,
        True,
        "every 201 create's reference follows the orderid advice",
    ),
    _item("P2", "Poll for payment details", P, True, "two or more 200 GETs of one reference"),
    _item("P3", "Handle redirects", P, False, "returnUrl may open in another browser: by hand"),
    _item("P4", "Follow the design guidelines", P, False, "branding and buttons: by hand"),
    _item("P5", "Educate customer support", P, False, "support tools in your own system: by hand"),
    _item("G1", "Direct go-live steps", G, False, "order, KYC/PEP/AML, production keys: by hand"),
    _item(
        "G2",
        "Verify in production: a complete order",
        G,
        True,
        "a production reference whose GETs or event log show AUTHORIZED, CAPTURED, REFUNDED "
        "and CANCELLED",
        "production",
    ),
    _item(
        "G3",
        "Verify in test: a complete order",
        G,
        True,
        "a test reference whose GETs or event log show AUTHORIZED, CAPTURED, REFUNDED "
        "and CANCELLED",
    ),
    _item("G4", "Partners: send the checklist with examples < 1 month old", G, False, "by hand"),
)

ITEM_IDS: tuple[str, ...] = tuple(item.id for item in ITEMS)


def item_by_id(item_id: str) -> ChecklistItem:
    for item in ITEMS:
        if item.id == item_id:
            return item
    raise KeyError(f"no checklist item {item_id!r}; known: {', '.join(ITEM_IDS)}")
