"""Settings: one typed object built from `fieldvoice.toml` and environment variables.

Every part of fieldvoice reads its knobs from here, so a user changes the embedding model,
the tagger or the clustering in one file (or one variable) without touching code.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class IngestSettings:
    max_file_mb: float = 20.0


@dataclass(frozen=True)
class AnalysisSettings:
    tagger: str = "komoran"


@dataclass(frozen=True)
class EmbeddingSettings:
    model: str = "e5-small"
    batch_size: int = 64


@dataclass(frozen=True)
class ClusteringSettings:
    reducer: str = "umap"
    n_components: int = 5
    n_neighbors: int = 15
    min_cluster_size: int = 0
    noise: str = "reassign"
    seed: int = 42
    # beyond this many suggestions a seeded sample of this many is clustered and the rest join the theme
    # they fall inside (`nlp.clustering.cluster_suggestions`): UMAP's exact neighbour graph grows with n²
    max_clustered: int = 100_000


RUNNERS = ("local", "dask")


@dataclass(frozen=True)
class ExecutionSettings:
    """Where the heavy independent work runs: "local" (in the flow process, one task after another) or
    "dask" (mapped Prefect tasks on a Dask cluster: `address` of a running scheduler, or else a
    LocalCluster of `workers` processes started for the run)."""

    runner: str = "local"
    address: str = ""
    workers: int = 2
    files_per_task: int = 4
    texts_per_task: int = 256

    def __post_init__(self) -> None:
        if self.runner not in RUNNERS:
            raise ValueError(f"[execution] runner must be one of {RUNNERS}, not {self.runner!r}")
        if self.workers < 1 or self.files_per_task < 1 or self.texts_per_task < 1:
            raise ValueError("[execution] workers, files_per_task and texts_per_task must be at least 1")


@dataclass(frozen=True)
class PrefectSettings:
    """The local Prefect server shared by `fieldvoice pipeline`, `serve` and the explorer (see
    `flows.prefect_server`): the port it prefers on 127.0.0.1 (another is taken when that one is busy),
    and how long it stays up with nobody using it, so the next run finds it warm."""

    port: int = 4200
    idle_minutes: float = 10.0

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536 or self.idle_minutes < 0:
            raise ValueError("[prefect] port must be 1-65535 and idle_minutes at least 0")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = PROJECT_ROOT / "data" / "raw"
    state_dir: Path = PROJECT_ROOT / ".state"
    taxonomy: Path = PROJECT_ROOT / "taxonomy.toml"
    ingest: IngestSettings = field(default_factory=IngestSettings)
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    clustering: ClusteringSettings = field(default_factory=ClusteringSettings)
    execution: ExecutionSettings = field(default_factory=ExecutionSettings)
    prefect: PrefectSettings = field(default_factory=PrefectSettings)

    @property
    def db_path(self) -> Path:
        return self.state_dir / "fieldvoice.duckdb"


_SECTIONS = {
    "ingest": IngestSettings,
    "analysis": AnalysisSettings,
    "embedding": EmbeddingSettings,
    "clustering": ClusteringSettings,
    "execution": ExecutionSettings,
    "prefect": PrefectSettings,
}


def _coerce(value: str, like: Any) -> Any:
    if isinstance(like, bool):
        return value.lower() in {"1", "true", "yes", "on"}
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    return value


def _section(cls: type, table: dict[str, Any], env_prefix: str) -> Any:
    defaults = cls()
    known = {f.name for f in fields(cls)}
    unknown = set(table) - known
    if unknown:
        raise ValueError(f"fieldvoice.toml: unknown keys {sorted(unknown)} (known: {sorted(known)})")
    values = dict(table)
    for name in known:
        env = os.environ.get(f"{env_prefix}_{name}".upper())
        if env is not None:
            values[name] = _coerce(env, getattr(defaults, name))
    return replace(defaults, **values)


def load_settings(config_file: Path | None = None) -> Settings:
    """Read settings from `config_file` (default: FIELDVOICE_CONFIG or the project's fieldvoice.toml).

    Relative paths in the file are resolved against the file's folder. Environment variables
    FIELDVOICE_<SECTION>_<KEY> (e.g. FIELDVOICE_EMBEDDING_MODEL) override single keys.
    """
    path = config_file or Path(os.environ.get("FIELDVOICE_CONFIG", PROJECT_ROOT / "fieldvoice.toml"))
    raw: dict[str, Any] = {}
    if path.exists():
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    base = path.parent
    paths = raw.get("paths", {})
    settings = Settings(
        data_dir=base / paths.get("data_dir", "data/raw"),
        state_dir=Path(os.environ.get("FIELDVOICE_STATE_DIR", base / paths.get("state_dir", ".state"))),
        taxonomy=base / paths.get("taxonomy", "taxonomy.toml"),
        **{name: _section(cls, raw.get(name, {}), f"FIELDVOICE_{name}") for name, cls in _SECTIONS.items()},
    )
    return settings
