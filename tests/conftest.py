"""Shared set-up: a private Prefect home and state folder, and one real run of the Prefect flow.

The environment is set when pytest imports this file, before any test module imports prefect
(Prefect reads its settings when it is first imported).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

for _key in [k for k in os.environ if k.startswith(("FIELDVOICE_", "PREFECT_"))]:
    del os.environ[_key]  # the developer's own settings must not leak into the tests

SESSION_DIR = Path(tempfile.mkdtemp(prefix="fieldvoice-tests-"))
STATE_DIR = SESSION_DIR / "state"
os.environ["PREFECT_HOME"] = str(SESSION_DIR / "prefect-home")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["FIELDVOICE_STATE_DIR"] = str(STATE_DIR)
# a `fieldvoice pipeline` subprocess starts the state folder's shared Prefect server: gone soon after the tests
os.environ["FIELDVOICE_PREFECT_IDLE_MINUTES"] = "0.1"

from flows.prefect_env import configure_prefect  # noqa: E402 (must follow the environment set-up)

configure_prefect(STATE_DIR)
atexit.register(shutil.rmtree, SESSION_DIR, ignore_errors=True)

from samples import make_flow_folder  # noqa: E402


@pytest.fixture(scope="session")
def flow_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One real Prefect run of the pipeline over `samples.make_flow_folder`. Its DB is never written again:
    tests that need more runs work on copies."""
    from flows.pipeline import pipeline

    base = tmp_path_factory.mktemp("flow")
    data_dir = make_flow_folder(base / "data")
    db_path = base / "warehouse.duckdb"
    summary = pipeline(data_dir=data_dir, db_path=db_path)
    return {"data_dir": data_dir, "db_path": db_path, "summary": summary}


@pytest.fixture
def fresh_streamlit_cache():
    """Streamlit's caches emptied around a test, so AppTest pages read the warehouse each test points them at."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop Prefect's temporary API server while pytest's output streams are still open (at interpreter
    exit Prefect would log to a closed stream)."""
    server = sys.modules.get("prefect.server.api.server")
    if server is not None:
        for instance in list(server.SubprocessASGIServer._instances.values()):
            instance.stop()
