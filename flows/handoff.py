"""Handing a run to `fieldvoice serve`: the explorer asks the served deployment for a run instead of
starting a `fieldvoice pipeline` of its own, when `serve` serves the same warehouse from the same data
folder (it marks the warehouse while it runs: `warehouse.locks.hold_serve_marker`, with its Prefect
server's URL) and that server answers. The served run then takes the pipeline lock like any run, shows
in Prefect's UI with the scheduled ones, and the explorer follows its state through the API.

Cheap to import (no flow, no NLP): the explorer imports it on every upload; Prefect's client only when a
run is handed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.prefect_env import configure_prefect
from flows.prefect_server import healthy
from warehouse.locks import serve_marker

DEPLOYMENT = "fieldvoice"  # served as "<flow name>/fieldvoice"


@dataclass(frozen=True)
class ServedDeployment:
    api_url: str
    deployment: str  # "flow/deployment"
    data_dir: str
    db_path: str

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


@dataclass(frozen=True)
class HandedRun:
    served: ServedDeployment
    flow_run_id: str
    name: str

    @property
    def ui_url(self) -> str:
        return f"{self.served.ui_url}/runs/flow-run/{self.flow_run_id}"


def served_deployment(db_path: Path, data_dir: Path) -> ServedDeployment | None:
    """The deployment of the `fieldvoice serve` that serves this warehouse from this data folder and
    whose Prefect server answers; None otherwise (then run `fieldvoice pipeline` instead)."""
    info = serve_marker(db_path.resolve())
    if not info:
        return None
    try:
        served = ServedDeployment(info["api_url"], info["deployment"], info["data_dir"], info["db_path"])
    except KeyError:
        return None
    same = Path(served.data_dir) == data_dir.resolve() and Path(served.db_path) == db_path.resolve()
    return served if same and healthy(served.api_url) else None


def hand_to_served(served: ServedDeployment, state_dir: Path) -> HandedRun:
    """Ask the served deployment for a run now; returns at once (the serving process runs it)."""
    configure_prefect(state_dir)  # Prefect's home in the state folder if this process imports it first
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(served.api_url) as client:
        deployment = client.read_deployment_by_name(served.deployment)
        run = client.create_flow_run_from_deployment(deployment.id, tags=["fieldvoice", "upload"])
    return HandedRun(served, str(run.id), run.name)


def flow_run_state(served: ServedDeployment, flow_run_id: str) -> tuple[str, str | None, bool]:
    """A handed run's state: its name, its message, and whether it is over."""
    from uuid import UUID

    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(served.api_url) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
    if state is None:
        return "Scheduled", None, False
    return state.name, state.message, state.is_final()
