"""One small client for the simulator's control plane (`/_sim/`), used by dashboard, QA and tests.

The control plane stands in for the customer's app and for the API's bad days; it is not part of
the ePayment API, so these calls are never recorded as evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args
from urllib.parse import parse_qsl, quote, urlsplit

import requests

UserAction = str  # "approve" | "reject" | "expire"
# The simulator's adversity behaviours (simulator/adversity.py, simulator/README.md).
Behaviour = Literal[
    "approve",
    "reject",
    "never",
    "approve_after",
    "capture_503",
    "capture_dropped",
    "get_429",
    "webhook_late",
    "webhook_twice",
    "webhook_out_of_order",
    "webhook_refused_first",
    "webhook_forged",
]
BEHAVIOURS: tuple[str, ...] = get_args(Behaviour)


class SimulatorControlError(Exception):
    """A control-plane call failed: no answer, or a refusal. `str()` is a sentence for a person."""

    def __init__(self, message: str, *, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class SimulatorControl:
    """`SimulatorControl("http://127.0.0.1:8090").approve("123456", "ref-1")`."""

    def __init__(
        self,
        base_url: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"SimulatorControl({self.base_url!r})"

    # -- the customer's side ------------------------------------------------------------------

    def approve(self, msn: str, reference: str) -> dict[str, Any]:
        return self._act(msn, reference, "approve")

    def reject(self, msn: str, reference: str) -> dict[str, Any]:
        return self._act(msn, reference, "reject")

    def expire(self, msn: str, reference: str) -> dict[str, Any]:
        return self._act(msn, reference, "expire")

    def act(self, msn: str, reference: str, action: UserAction) -> dict[str, Any]:
        """approve, reject or expire by name (the dashboard's buttons)."""
        if action not in ("approve", "reject", "expire"):
            raise ValueError(f"{action!r} is not approve, reject or expire.")
        return self._act(msn, reference, action)

    def _act(self, msn: str, reference: str, action: str) -> dict[str, Any]:
        path = f"payments/{quote(msn, safe='')}/{quote(reference, safe='')}/{action}"
        return self._call("POST", path, what=f"{action} payment {reference}")

    # -- reading ------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self._call("GET", "health", what="check health")

    def sales_units(self) -> list[dict[str, Any]]:
        return self._call("GET", "sales-units", what="list the sales units")

    def payments(self, msn: str | None = None, *, page_size: int = 1000) -> list[dict[str, Any]]:
        """Every payment (oldest first), following the listing's pages."""
        params: dict[str, str] = {"msn": msn} if msn else {}
        params["limit"] = str(page_size)
        found: list[dict[str, Any]] = []
        while True:
            page = self._call("GET", "payments", params=params, what="list payments", raw=True)
            found.extend(page.json())
            following = page.links.get("next", {}).get("url")
            if not following:
                return found
            params = dict(parse_qsl(urlsplit(following).query))

    def payment(self, msn: str, reference: str) -> dict[str, Any]:
        """One payment with its event log, as the control plane sees it."""
        path = f"payments/{quote(msn, safe='')}/{quote(reference, safe='')}"
        return self._call("GET", path, what=f"read payment {reference}")

    def webhook_attempts(self, msn: str | None = None) -> dict[str, Any]:
        """`{"settings": ..., "webhooks": [registration (no secret) with its "attempts"]}`."""
        params = {"msn": msn} if msn else None
        return self._call("GET", "webhooks", params=params, what="list webhook deliveries")

    # -- settings and time --------------------------------------------------------------------

    def reset(self) -> None:
        self._call("POST", "reset", what="reset")

    def advance_clock(self, seconds: float) -> float:
        """Moves the simulated clock; returns the total offset in seconds."""
        body = self._call("POST", "clock/advance", json={"seconds": seconds}, what="advance clock")
        return float(body.get("offsetSeconds", 0.0))

    def transitions(self) -> dict[str, Any]:
        return self._call("GET", "transitions", what="read the transition policy")

    def set_transitions(
        self, mode: str, *, polls: int | None = None, seconds: float | None = None
    ) -> dict[str, Any]:
        """How CREATED becomes AUTHORIZED without a person: manual, immediate, polls, seconds."""
        body: dict[str, Any] = {"mode": mode}
        if polls is not None:
            body["polls"] = polls
        if seconds is not None:
            body["seconds"] = seconds
        return self._call("POST", "transitions", json=body, what="set the transition policy")

    def faults(self) -> list[dict[str, Any]]:
        return self._call("GET", "faults", what="list faults")

    def add_fault(self, fault: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", "faults", json=dict(fault), what="add a fault")

    def clear_faults(self) -> None:
        self._call("DELETE", "faults", what="clear faults")

    # -- adversity: queued for the next payment a sales unit creates ---------------------------

    def arm_adversity(
        self,
        msn: str,
        behaviour: Behaviour,
        *,
        seconds: float | None = None,
        count: int | None = None,
    ) -> dict[str, Any]:
        """Queues `behaviour` for the next payment sales unit `msn` creates; it disarms once it
        fired. `seconds`: approve_after (simulated), webhook_late, webhook_out_of_order (the
        longest hold), get_429 (Retry-After); `count`: capture_503, capture_dropped, get_429."""
        body: dict[str, Any] = {"msn": msn, "behaviour": behaviour}
        if seconds is not None:
            body["seconds"] = seconds
        if count is not None:
            body["count"] = count
        return self._call("POST", "adversity", json=body, what=f"arm {behaviour}")

    def adversity(self) -> dict[str, list[dict[str, Any]]]:
        """`{"armed": [...], "fired": [...]}`, each with its behaviour, reference and outcome."""
        return self._call("GET", "adversity", what="list the adversity queue")

    def clear_adversity(self) -> None:
        """Disarms everything not fired yet (the fired ones stay listed until reset)."""
        self._call("DELETE", "adversity", what="clear the adversity queue")

    def webhook_settings(self, **changes: Any) -> dict[str, Any]:
        """Reads the delivery settings, or changes them (retryScale, timeoutSeconds, ...)."""
        if changes:
            return self._call("POST", "webhooks/settings", json=changes, what="change settings")
        return self._call("GET", "webhooks/settings", what="read webhook settings")

    # -- plumbing -----------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        raw: bool = False,
    ) -> Any:
        """The answer's JSON (or, with `raw`, the response itself); refusals raise."""
        url = f"{self.base_url}/_sim/{path}"
        try:
            response = self.session.request(
                method, url, json=json, params=params, timeout=self.timeout
            )
        except requests.RequestException as err:
            raise SimulatorControlError(
                f"The simulator at {self.base_url} did not answer ({type(err).__name__}) "
                f"when asked to {what}: is it running?"
            ) from err
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            detail = body.get("detail") or body.get("title") if isinstance(body, dict) else body
            raise SimulatorControlError(
                f"The simulator refused to {what} ({response.status_code}): {detail}",
                status=response.status_code,
                body=body,
            )
        return response if raw else body
