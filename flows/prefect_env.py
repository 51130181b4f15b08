"""Prefect's environment for fieldvoice: home and database in the state folder, no telemetry.

Set before Prefect is imported (it reads its settings then); the user's own PREFECT_* variables win.
With an `api_url` (the shared local server of `flows.prefect_server`, or the user's PREFECT_API_URL)
every run goes to that server and its log is sent there too, so it shows in Prefect's UI. Without one,
Prefect may start its temporary in-process-owned server (`PREFECT_SERVER_ALLOW_EPHEMERAL_MODE`): only
the tests and library callers of the flow use that; `fieldvoice pipeline` and `serve` never do.
"""

from __future__ import annotations

import os
from pathlib import Path


def prefect_defaults(state_dir: Path) -> dict[str, str]:
    """Prefect settings for the state folder (its home, its database), before the user's own."""
    home = state_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "TOKENIZERS_PARALLELISM": "false",
    }


def configure_prefect(state_dir: Path, api_url: str | None = None) -> None:
    """Set Prefect's environment before it is imported (user settings win); with `api_url`, runs and
    their logs go to that server."""
    defaults = prefect_defaults(state_dir)
    if api_url:
        defaults["PREFECT_API_URL"] = api_url
        defaults["PREFECT_LOGGING_TO_API_ENABLED"] = "true"  # the run's log in the server's UI
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
