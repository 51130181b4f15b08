"""Where the pipeline's heavy independent work runs: in the flow process, or as mapped Prefect tasks on Dask.

`[execution] runner = "local"` calls each task once over the whole list, in the flow process (no Dask
import). `runner = "dask"` maps the task over batches on a `prefect_dask.DaskTaskRunner`: a running scheduler
at `[execution] address`, or a LocalCluster of `workers` processes started for the run and closed after it.
Results come back in batch order, so both runners give the flow the same lists; the flow stays the only
writer of DuckDB.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect.utilities.annotations import quote

from settings import PROJECT_ROOT, ExecutionSettings


@dataclass
class Executor:
    runner: Any = None  # a started DaskTaskRunner, or None: run in the flow process

    @property
    def local(self) -> bool:
        return self.runner is None

    def map(
        self,
        task: Any,
        name: str,
        items: Sequence[Any],
        size: int,
        join: Callable[[list[Any]], Any],
        **static: Any,
    ) -> Callable[[], Any]:
        """Start `task(**{name: part}, **static)` over `items`; return a function that waits and gives
        `join(results)`. Local: one call over all items, run now. Dask: one mapped task run per batch of
        `size` items (the futures run while the flow goes on)."""
        if self.runner is None:
            # quoted: Prefect would otherwise walk every item of a large batch looking for futures
            result = task(**{name: quote(list(items))}, **{k: quote(v) for k, v in static.items()})
            return lambda: result
        from prefect import unmapped

        batches = [list(items[i : i + size]) for i in range(0, len(items), size)]
        if not batches:
            empty = join([])
            return lambda: empty
        futures = self.runner.map(task, {name: batches, **{k: unmapped(v) for k, v in static.items()}})
        return lambda: join([future.result() for future in futures])


def chain(parts: list[list[Any]]) -> list[Any]:
    return [item for part in parts for item in part]


@contextmanager
def open_executor(
    settings: ExecutionSettings,
    state_dir: Path,
    timed: Callable[[str], AbstractContextManager[None]] = lambda _: nullcontext(),
) -> Iterator[Executor]:
    """An `Executor` for the configured runner; a Dask runner is started here and closed on exit (both
    inside `timed("workers")`)."""
    if settings.runner == "local":
        yield Executor()
        return
    from prefect import get_run_logger
    from prefect_dask import DaskTaskRunner

    logger = get_run_logger()
    logging.getLogger("distributed").setLevel(logging.WARNING)  # Dask's INFO lines drown the run's log
    if settings.address:
        logger.info("Dask: 스케줄러 %s에 연결", settings.address)
        runner = DaskTaskRunner(address=settings.address)
    else:
        runner = DaskTaskRunner(cluster_kwargs=local_cluster_kwargs(settings.workers, state_dir))
        logger.info("Dask: 이 컴퓨터에 작업자 %d개 (LocalCluster)", settings.workers)
    with ExitStack() as stack:
        with timed("workers"):
            stack.enter_context(runner)
            client = runner.client  # connects (and starts a LocalCluster) here
        logger.info(
            "Dask 작업자 %d개, 대시보드 %s",
            len(client.scheduler_info().get("workers", {})),
            client.dashboard_link,
        )
        try:
            yield Executor(runner)
        finally:
            with timed("workers"):
                stack.close()


def local_cluster_kwargs(workers: int, state_dir: Path) -> dict[str, Any]:
    """A LocalCluster of `workers` single-threaded processes that share the machine's cores, report their
    task runs to this flow's Prefect API (not one temporary server each) and import this checkout."""
    threads = max(1, (os.cpu_count() or 1) // workers)
    env = {
        "OMP_NUM_THREADS": str(threads),  # Dask sets 1 per worker otherwise: torch would use one core
        "MKL_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "PYTHONPATH": os.pathsep.join(p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH")) if p),
        "DASK_LOGGING__DISTRIBUTED": "warning",
    }
    api_url = current_api_url()
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": ":0",
        "local_directory": str(state_dir / "dask"),
        "env": env,
    }


def current_api_url() -> str | None:
    """The Prefect API this process talks to (the temporary server's, when none is configured)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return str(client.api_url) if client.api_url else None
