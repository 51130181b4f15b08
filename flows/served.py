"""The pipeline as `fieldvoice serve` runs it.

`served_pipeline` is the flow the deployment `fieldvoice-pipeline/fieldvoice` runs: the `pipeline` flow's
body under the warehouse's pipeline lock (`warehouse.locks`), which each served run takes in the process
that runs it, as `fieldvoice pipeline` does. So a served run and a hand-started run never write one
warehouse at once; the one that comes second says so at once and ends as Cancelled, in Korean. It has
the pipeline's name and parameters (the deployment and its history keep their name) and calls the
pipeline's function directly, so its tasks are the run's own task runs in Prefect's UI, as before.

No `from __future__ import annotations` here: a served run loads this flow from its entrypoint, and
Prefect then builds the parameters' model from annotations it must be able to evaluate (with postponed
annotations it failed: "`Served_PipelineModel` is not fully defined; define `Path`").
"""

import os
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.states import Cancelled, State

from flows.pipeline import pipeline
from settings import load_settings
from warehouse.locks import busy_message, take_run_lock


@flow(name=pipeline.name, log_prints=True)
def served_pipeline(
    data_dir: Path | None = None,
    db_path: Path | None = None,
    config_file: Path | None = None,
    recluster: bool = False,
) -> dict[str, Any] | State:
    """One served run: the pipeline, holding the warehouse's pipeline lock for the whole run."""
    logger = get_run_logger()
    db = (db_path or load_settings(config_file).db_path).resolve()
    held = take_run_lock(
        db, on_staff_wait=lambda: logger.info("담당자의 변경을 반영하는 중입니다. 끝나면 시작합니다.")
    )
    if held is None:
        message = busy_message(db)
        logger.warning(message)
        return Cancelled(message=message)
    try:
        return pipeline.fn(data_dir=data_dir, db_path=db, config_file=config_file, recluster=recluster)
    finally:
        os.close(held)
