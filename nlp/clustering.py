"""Group suggestion embeddings into themes: optional reduction (UMAP or PCA), then HDBSCAN.

HDBSCAN leaves points that sit between dense regions as noise. Policy staff should not lose a
suggestion because it was phrased unusually, so by default a noise point joins the theme whose
centroid it is closest to, when it lies within that theme's radius (about as close to the centroid,
by cosine in the original embedding space, as the theme's own farthest member); the rest stay
visible as 미분류 (label -1). The radius adapts to each model's scale of similarities (USE spreads
them over 0-1, e5 packs them into 0.7-1), so no threshold has to be set per model; the same rule
decides whether a new suggestion joins an existing theme in an incremental run (`nlp.identity`).
Fixed seeds make the same input give the same themes.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from settings import ClusteringSettings

NOISE = -1
PLACED_AT_ONCE = 20_000  # vectors compared with every centroid in one matrix product


def auto_min_cluster_size(n: int) -> int:
    """Smallest theme size: grows with the square root of the corpus (4 up to ~1,100 suggestions, 12 for 10,000).

    Chosen on the petitions benchmark (`make bench`): smaller sizes split themes past what
    staff can read, larger ones lose agreement with the human labels.
    """
    return max(4, round(0.12 * math.sqrt(n)))


def reduce_dimensions(vectors: np.ndarray, settings: ClusteringSettings) -> np.ndarray:
    """Project unit vectors to a few dimensions where density-based clustering works."""
    n = len(vectors)
    if settings.reducer == "none" or n <= settings.n_components + 2:
        return vectors
    if settings.reducer == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=settings.n_components, random_state=settings.seed).fit_transform(vectors)
    if settings.reducer == "umap":
        umap = _umap_with_compiled_code_cached()
        neighbours = min(settings.n_neighbors, n - 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "n_jobs overridden by random_state": determinism wins
            reducer = umap.UMAP(
                n_neighbors=neighbours,
                n_components=settings.n_components,
                min_dist=0.0,
                metric="cosine",
                random_state=settings.seed,
                precomputed_knn=(*exact_cosine_neighbours(vectors, neighbours), None),
                init="pca",
                n_epochs=200,
            )
            return reducer.fit_transform(vectors)
    raise ValueError(f"unknown reducer {settings.reducer!r}: choose 'umap', 'pca' or 'none'")


def _umap_with_compiled_code_cached():  # -> the umap module
    """Import UMAP with every numba function of its fitting path cached on disk.

    UMAP leaves `cache=True` off its parallel functions (`smooth_knn_dist`,
    `compute_membership_strengths` and others), so each new process compiled them again: 5 s for
    188 suggestions in a bare process, 16-20 s inside the pipeline (with the tagger's JVM and the
    embedder loaded), on every first run, every `fieldvoice pipeline` that themes and every
    incremental add that opens a theme. `enable_caching` is what numba's own `cache=True` calls, so
    they then compile once (`make setup` does it) and load in milliseconds after that."""
    import umap
    import umap.layouts
    import umap.umap_
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    for module in (umap.umap_, umap.layouts):
        for function in vars(module).values():
            if isinstance(function, Dispatcher) and isinstance(function._cache, NullCache):
                function.enable_caching()
    return umap


def exact_cosine_neighbours(
    vectors: np.ndarray, k: int, block: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours by cosine (self included), in blocks of matrix products.

    Handing UMAP an exact graph skips its approximate search (pynndescent), whose just-in-time
    compilation alone costs about 30 s per process; for tens of thousands of short texts the
    exact search takes a few seconds and is deterministic. A block holds at most ~8 million
    similarities (2,048 rows up to ~4,000 suggestions, fewer beyond): at 100,000 a block of 2,048
    rows was 0.8 GB of similarities plus 1.6 GB of partition indices; 128 rows are ~50 MB, partitioned
    32 rows at a time (~25 MB of indices), and the matrix products stay as fast per row.
    """
    n = len(vectors)
    block = block or max(128, min(2048, 8_000_000 // max(n, 1)))
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        similarity = vectors[start : start + block] @ vectors.T
        np.negative(similarity, out=similarity)  # partition the negated values in place (no copy)
        # argpartition returns an int64 index for every similarity: 32 rows at a time, not the block's
        for row in range(0, len(similarity), 32):
            rows = similarity[row : row + 32]
            nearest = np.argpartition(rows, k - 1, axis=1)[:, :k]
            nearest_similarity = -np.take_along_axis(rows, nearest, axis=1)
            order = np.argsort(-nearest_similarity, axis=1, kind="stable")
            at = slice(start + row, start + row + len(rows))
            indices[at] = np.take_along_axis(nearest, order, axis=1)
            distances[at] = 1.0 - np.take_along_axis(nearest_similarity, order, axis=1)
    return indices, np.maximum(distances, 0.0)


def density_clusters(
    points: np.ndarray, min_cluster_size: int, allow_single_cluster: bool = False
) -> np.ndarray:
    """HDBSCAN labels (NOISE for outliers)."""
    import hdbscan

    if len(points) < 2 * min_cluster_size:
        return np.full(len(points), NOISE)
    clusterer = hdbscan.HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min(5, min_cluster_size),
        metric="euclidean",
        cluster_selection_method="eom",
        allow_single_cluster=allow_single_cluster,
        # HDBSCAN's default (4 jobs) computes core distances in joblib worker processes, which stay
        # alive after it: at 100,000 points 7.0 s in this process against 9.8 s and ~880 MB of workers
        core_dist_n_jobs=1,
    )
    return clusterer.fit_predict(points).astype(int)


@dataclass(frozen=True, eq=False)
class ThemeGeometry:
    """Where each theme sits in embedding space: unit centroid and radius (a cosine: see `_radius`)."""

    theme_ids: np.ndarray
    centroids: np.ndarray
    radius: np.ndarray

    def __eq__(self, other: object) -> bool:
        """Same themes at the same places, up to float rounding (sums in another order differ in the
        last bits, and a stored FLOAT[] centroid is float32)."""
        if not isinstance(other, ThemeGeometry):
            return NotImplemented
        return (
            np.array_equal(self.theme_ids, other.theme_ids)
            and np.allclose(self.centroids, other.centroids, atol=1e-5)
            and np.allclose(self.radius, other.radius, atol=1e-5)
        )

    def nearest_within_radius(self, vectors: np.ndarray) -> np.ndarray:
        """The theme each vector falls inside (nearest centroid, within its radius), else NOISE."""
        labels = np.full(len(vectors), NOISE, dtype=int)
        if len(self.theme_ids) == 0:
            return labels
        for start in range(0, len(vectors), PLACED_AT_ONCE):  # 900,000 x 500 themes at once: 1.8 GB
            similarity = vectors[start : start + PLACED_AT_ONCE] @ self.centroids.T
            best = similarity.argmax(axis=1)
            inside = similarity[np.arange(len(similarity)), best] >= self.radius[best]
            labels[start : start + len(similarity)] = np.where(inside, self.theme_ids[best], NOISE)
        return labels


def theme_geometry(vectors: np.ndarray, labels: np.ndarray) -> ThemeGeometry:
    """Centroid and radius of every theme in `labels` (NOISE ignored)."""
    theme_ids = np.array(sorted(set(labels.tolist()) - {NOISE}), dtype=int)
    if len(theme_ids) == 0:
        return ThemeGeometry(theme_ids, np.zeros((0, vectors.shape[1]), np.float32), np.zeros(0))
    centroids = np.stack([vectors[labels == t].mean(axis=0) for t in theme_ids])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True) + 1e-12
    radius = np.array([_radius(vectors[labels == t] @ c) for t, c in zip(theme_ids, centroids, strict=True)])
    return ThemeGeometry(theme_ids, centroids, radius)


def _radius(member_similarity: np.ndarray) -> float:
    """The farthest member's cosine, widened by one standard deviation of the members' cosines.

    The margin lets a theme take in a suggestion just past its farthest member (on the petitions
    benchmark it leaves 1-2% of 10,000 suggestions unassigned instead of 4-6%, at equal NMI/ARI;
    on the bundled sample 9.6% instead of 11.2%).
    """
    return float(member_similarity.min() - member_similarity.std())


def reassign_noise(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Move each noise point into the nearest theme when it lies within that theme's radius."""
    noise = np.flatnonzero(labels == NOISE)
    result = labels.copy()
    result[noise] = theme_geometry(vectors, labels).nearest_within_radius(vectors[noise])
    return result


def cluster_suggestions(
    vectors: np.ndarray, settings: ClusteringSettings, allow_single_cluster: bool = False
) -> np.ndarray:
    """Theme label per vector (NOISE = 미분류), numbered by decreasing theme size.

    `allow_single_cluster` lets all the vectors form one theme (the suggestions an incremental run
    could not place may well be one new topic); by default HDBSCAN looks for at least two.
    """
    if len(vectors) == 0:
        return np.zeros(0, dtype=int)
    sample = clustered_sample(len(vectors), settings)
    clustered = vectors if sample is None else vectors[sample]
    size = settings.min_cluster_size or auto_min_cluster_size(len(clustered))
    labels = density_clusters(reduce_dimensions(clustered, settings), size, allow_single_cluster)
    if sample is not None:  # the rest join the theme they fall inside, as an incremental add's do
        rest = np.ones(len(vectors), dtype=bool)
        rest[sample] = False
        everyone = np.full(len(vectors), NOISE, dtype=int)
        everyone[sample] = labels
        everyone[rest] = theme_geometry(clustered, labels).nearest_within_radius(vectors[rest])
        labels = everyone
    if settings.noise == "reassign":
        labels = reassign_noise(vectors, labels)
    elif settings.noise != "keep":
        raise ValueError(f"unknown noise policy {settings.noise!r}: choose 'reassign' or 'keep'")
    return _renumber_by_size(labels)


def clustered_sample(n: int, settings: ClusteringSettings) -> np.ndarray | None:
    """The rows clustered directly when there are more than `settings.max_clustered`: a seeded random
    sample of that many, in order (the same suggestions give the same sample); None to cluster all.

    UMAP is handed an exact neighbour graph (`exact_cosine_neighbours`), whose cost grows with n²: at
    100,000 suggestions theming took 4 minutes on 2 cores, at a million it would take hours. A sample
    of 100,000 holds every theme big enough to matter at that scale (the smallest theme then has ~40
    members in the sample, ~400 in the whole), and the other suggestions are placed by the rule that
    places noise and new suggestions: nearest theme centroid, within its radius."""
    if settings.max_clustered < 1 or n <= settings.max_clustered:
        return None
    chosen = np.random.default_rng(settings.seed).choice(n, size=settings.max_clustered, replace=False)
    return np.sort(chosen)


def _renumber_by_size(labels: np.ndarray) -> np.ndarray:
    clusters, counts = np.unique(labels[labels != NOISE], return_counts=True)
    order = clusters[np.lexsort((clusters, -counts))]
    mapping = {int(old): new for new, old in enumerate(order)}
    return np.array([mapping.get(int(x), NOISE) for x in labels], dtype=int)


def warm_up(seed: int = 0) -> None:
    """Cluster a few random vectors once, so numba compiles UMAP's and HDBSCAN's code and caches it
    on disk (`make setup` calls this): the first real run then starts in seconds, not a minute."""
    vectors = np.random.default_rng(seed).normal(size=(120, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cluster_suggestions(vectors, ClusteringSettings())
