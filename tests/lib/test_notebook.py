"""notebooks/quickstart.ipynb runs top to bottom on the embedded simulator and exports evidence."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "quickstart.ipynb"


def test_notebook_is_committed_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_notebook_runs_top_to_bottom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPAYMENT_LAB_NOTEBOOK_OUT", str(tmp_path))  # the kernel inherits it
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,  # per cell
        resources={"metadata": {"path": str(ROOT)}},  # cwd: `import lib` and `simulator` work
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    assert (tmp_path / "quickstart.csv").stat().st_size > 0
    har = json.loads((tmp_path / "quickstart.har").read_text())
    operations = {entry["_operation"] for entry in har["log"]["entries"]}
    assert {"access_token", "create_payment", "capture_payment", "cancel_payment"} <= operations
    assert (tmp_path / "evidence.sqlite").exists()
    # The log is displayed as an HTML table, as Jupyter shows a DataFrame.
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert any("text/html" in out.get("data", {}) for out in outputs)
