"""The Recorder: the one place exchanges are redacted, grouped into runs and stored."""

from __future__ import annotations

import contextlib
import contextvars
import getpass
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Literal

import pandas as pd

from lib.exchange import Exchange, utc_now
from lib.recorder.filters import RunFilter
from lib.recorder.frame import exchanges_to_dataframe
from lib.recorder.redaction import Redactor
from lib.recorder.store import Run, Store, default_location, open_store

DEFAULT_PATH = "evidence/epayment-lab.sqlite"
ENV_PERSON = "EPAYMENT_LAB_PERSON"


def default_person() -> str | None:
    """Who records: `EPAYMENT_LAB_PERSON` when set, else the OS user."""
    try:
        return os.environ.get(ENV_PERSON) or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers): nobody to name
        return None


class Recorder:
    """Evidence log. `record()` redacts first, so no secret reaches the store."""

    def __init__(
        self,
        store: Store,
        run_label: str | None = None,
        *,
        redactor: Redactor | None = None,
        person: str | None = None,
    ) -> None:
        self.store = store
        self.redactor = redactor or Redactor()
        self.person = person or default_person()
        self.host = socket.gethostname() or None
        # Per recorder and per thread/task: a label set in one session's thread never leaks into
        # exchanges another thread (a webhook receiver, another QA worker) records meanwhile.
        self._step: contextvars.ContextVar[str | None] = contextvars.ContextVar(
            f"recorder-step-{id(self)}", default=None
        )
        self._run_id = self.start_run(run_label)

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        run_label: str | None = None,
        *,
        store: Store | None = None,
        person: str | None = None,
    ) -> Recorder:
        """A recorder starting a new run, on a SQLite file or a `postgresql://` URL.

        Without a path: `EPAYMENT_LAB_DB` when set, else DEFAULT_PATH. `person` is who records
        (default: `EPAYMENT_LAB_PERSON`, else the OS user); the host is this machine's name.
        """
        chosen = store if store is not None else open_store(path or default_location(DEFAULT_PATH))
        return cls(chosen, run_label, person=person)

    # Runs -----------------------------------------------------------------------------------

    @property
    def run_id(self) -> str:
        """The current run; new exchanges are stamped with it."""
        return self._run_id

    def start_run(self, label: str | None = None) -> str:
        """Starts a new run and makes it current. Returns its id."""
        started = utc_now()
        run = Run(
            id=f"{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}",
            label=self.redactor.redact_text(label) or f"run {started:%Y-%m-%d %H:%M:%S} UTC",
            started_at=started,
            person=self.redactor.redact_text(self.person),
            host=self.host,
        )
        self.store.add_run(run)
        self._run_id = run.id
        return run.id

    def resume_run(self, run_id: str) -> None:
        """Makes an existing run current again (e.g. after a restart)."""
        if self.store.run(run_id) is None:
            raise KeyError(f"No run {run_id!r} in this evidence store.")
        self._run_id = run_id

    def runs(self, who: RunFilter | None = None) -> list[Run]:
        """The runs (all, or those of some persons, hosts, targets, MSNs), oldest first,
        with their exchange counts."""
        return self.store.runs(who)

    def set_run_meta(self, key: str, value: str | None, run_id: str | None = None) -> None:
        """Keeps a note on a run (e.g. a manual checklist comment); None deletes it."""
        clean = None if value is None else self.redactor.redact_text(value)
        self.store.set_meta(run_id or self._run_id, key, clean)

    def get_run_meta(self, key: str, run_id: str | None = None) -> str | None:
        return self.store.get_meta(run_id or self._run_id, key)

    def run_meta(self, run_id: str | None = None) -> dict[str, str]:
        return self.store.meta(run_id or self._run_id)

    # Exchanges --------------------------------------------------------------------------------

    def add_secret(self, value: str | None, name: str = "secret") -> bool:
        """Registers a secret value; it is replaced wherever it appears in later records."""
        return self.redactor.add_secret(value, name)

    @contextlib.contextmanager
    def step(self, label: str | None) -> Iterator[None]:
        """Record the exchanges of the block as step `label` (nested blocks restore the outer one).

        Exchanges that carry a step of their own (e.g. webhook deliveries) keep it.
        """
        token = self._step.set(label)
        try:
            yield
        finally:
            self._step.reset(token)

    @property
    def current_step(self) -> str | None:
        return self._step.get()

    def record(self, exchange: Exchange) -> Exchange:
        """Redacts, stamps the current run and step, stores. Returns the stored copy (with `id`)."""
        step = exchange.step if exchange.step is not None else self._step.get()
        clean = replace(self.redactor.redact(exchange), run_id=self._run_id, id=None, step=step)
        return replace(clean, id=self.store.add_exchange(clean))

    def exchanges(
        self,
        run_id: str | Literal["all"] | None = None,
        reference: str | None = None,
        operation: str | None = None,
    ) -> list[Exchange]:
        """Stored exchanges of the current run (default), one run, or `"all"` runs."""
        scope = None if run_id == "all" else (run_id or self._run_id)
        return self.store.exchanges(run_id=scope, reference=reference, operation=operation)

    def exchange(self, exchange_id: int) -> Exchange | None:
        """One stored exchange by id, from any run (e.g. the row picked in a table)."""
        return self.store.exchange(exchange_id)

    def to_dataframe(self, run_id: str | None = None, all_runs: bool = False) -> pd.DataFrame:
        """The evidence table: the current run, `run_id`, or every run with `all_runs=True`."""
        return exchanges_to_dataframe(self.exchanges("all" if all_runs else run_id))

    # Lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
