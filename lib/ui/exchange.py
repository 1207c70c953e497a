"""Streamlit views of one exchange (request, response, curl) and of a refusal (Problem detail)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st

from lib.epayment import ApiResult, EPaymentError, NetworkError
from lib.epayment.transport import Call
from lib.exchange import Exchange
from lib.recorder.curl import to_curl
from lib.ui import session
from lib.wording import currency_of, in_kroner, no_response_message, token_refusal


def _clean(exchange: Exchange) -> Exchange:
    """Redact again for display: the result's exchange may be the copy before the recorder's."""
    recorder = st.session_state.get("recorder")
    return recorder.redactor.redact(exchange) if recorder is not None else exchange


def _body(text: str | None) -> None:
    if not text:
        st.caption("(empty body)")
        return
    try:
        st.json(json.loads(text), expanded=2)
    except ValueError:
        st.code(text[:4000], language="text")


def show_exchange(exchange: Exchange | None, *, key: str = "x", error_shown: bool = False) -> None:
    """Request on the left, response on the right, the equivalent curl below."""
    if exchange is None:
        st.caption("Nothing sent for this step yet.")
        return
    exchange = _clean(exchange)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Request** &nbsp; `{exchange.method} {exchange.url}`")
        with st.expander("Request headers (secrets masked)"):
            st.json(exchange.request_headers)
        _body(exchange.request_body)
    with right:
        if exchange.status is None and error_shown:
            st.markdown("**No response** (the message above says why)")
        elif exchange.status is None:
            st.markdown(f"**No response**: {exchange.error or 'unknown error'}")
        else:
            latency = f" in {exchange.latency_ms:.0f} ms" if exchange.latency_ms else ""
            st.markdown(f"**Response** &nbsp; `HTTP {exchange.status}`{latency}")
            with st.expander("Response headers"):
                st.json(exchange.response_headers)
            _body(exchange.response_body)
    st.markdown("**The same call with curl**")
    st.code(to_curl(exchange), language="bash")


def show_error(err: Exception) -> None:
    """A refusal in plain words, the Problem JSON to look into; never a traceback."""
    if isinstance(err, NetworkError) and err.exchange is not None:
        sent = err.exchange
        idempotent = any(h.lower() == "idempotency-key" for h in sent.request_headers)
        st.error(
            no_response_message(sent.url, sent.error, idempotent=idempotent),
            icon=":material/wifi_off:",
        )
        with st.expander("What the connection said"):
            st.code(sent.error or str(err), language=None, wrap_lines=True)
    elif isinstance(err, EPaymentError) and _is_token_call(err):
        detail = err.problem.get("detail") or err.problem.get("title")
        url = err.exchange.url if err.exchange is not None else ""
        st.error(token_refusal(err.status, url, detail), icon=":material/key_off:")
        if err.problem:
            with st.expander("Problem detail from the API"):
                st.json(err.problem)
    elif isinstance(err, EPaymentError):
        payment = st.session_state.get("payment")
        default = payment.currency if payment is not None else "NOK"
        st.error(in_kroner(str(err), currency_of(err.exchange, default)), icon=":material/block:")
        if err.problem:
            with st.expander("Problem detail from the API"):
                st.json(err.problem)
    else:
        st.error(f"{type(err).__name__}: {err}", icon=":material/error:")


def _is_token_call(err: EPaymentError) -> bool:
    return err.exchange is not None and err.exchange.operation == "access_token"


def run_step(
    step: str, label: str, call: Callable[..., ApiResult], *args: Any, **kw: Any
) -> ApiResult | None:
    """Run one client call with a spinner; remember its exchange and error for `show_outcome`."""
    outcomes = st.session_state.outcomes
    with st.spinner(label), st.session_state.recorder.step(step):
        try:
            result = call(*args, **kw)
        except EPaymentError as err:
            outcomes[step] = {"exchange": err.exchange, "error": err}
            if not isinstance(err, NetworkError):  # answered: the next call is a new operation
                session.forget_idempotency_key(step)
            return None
        except Exception as err:  # noqa: BLE001 - shown to the user, never a raw traceback
            outcomes[step] = {"exchange": None, "error": err}
            return None
    outcomes[step] = {"exchange": result.exchange, "error": None}
    session.forget_idempotency_key(step)
    return result


def send_step(step: str, label: str, call: Call) -> ApiResult | None:
    """Send the prepared call the page previewed: what was shown is what goes out."""
    return run_step(step, label, st.session_state.client.send, call)


def prepared(make: Callable[..., Call], *args: Any, **kw: Any) -> Call | None:
    """The call a step would send (no request yet), or None with the client's refusal shown
    (e.g. a write in production without allow_production_writes)."""
    try:
        return make(*args, **kw)
    except EPaymentError as err:
        show_error(err)
        return None


def show_outcome(step: str, call: Call | None = None) -> None:
    """The last call of this step in this session: the refusal (if any) and the exchange.

    Before the first call, `call` as curl: the prepared call the step's button sends.
    """
    ss = st.session_state
    outcome = ss.outcomes.get(step)
    if not outcome:
        if call is not None:
            st.markdown("**The call this step makes** (nothing sent yet), with curl:")
            st.code(to_curl(_clean(ss.client.preview(call))), language="bash")
        return
    if outcome["error"] is not None:
        show_error(outcome["error"])
    show_exchange(outcome["exchange"], key=step, error_shown=outcome["error"] is not None)
