-- fieldvoice warehouse, version 1: tours, documents, suggestions, embeddings, themes, runs.

CREATE SEQUENCE run_ids START 1;

CREATE TABLE runs (
    run_id              INTEGER PRIMARY KEY,
    started_at          TIMESTAMP NOT NULL,
    finished_at         TIMESTAMP,
    status              VARCHAR NOT NULL,      -- running | completed | failed | abandoned
    data_dir            VARCHAR,
    settings_json       VARCHAR,
    fingerprint         VARCHAR,               -- suggestion set + settings that produced the themes
    documents_new       INTEGER,
    documents_unchanged INTEGER,
    documents_rejected  INTEGER,
    suggestions_new     INTEGER,
    themes_written      BOOLEAN,
    message             VARCHAR
);

CREATE TABLE tours (
    tour_id      VARCHAR PRIMARY KEY,
    tour_date    DATE,
    tour_name    VARCHAR,
    tour_number  INTEGER,
    company      VARCHAR,
    place        VARCHAR,
    industry     VARCHAR,
    region       VARCHAR,
    host         VARCHAR,
    participants VARCHAR[]
);

CREATE TABLE documents (
    content_hash  VARCHAR PRIMARY KEY,
    path          VARCHAR NOT NULL,            -- relative to the data folder
    format        VARCHAR NOT NULL,
    encoding      VARCHAR,
    text          VARCHAR NOT NULL,            -- personal data masked; the original stays in data/raw
    tour_id       VARCHAR,
    run_id        INTEGER NOT NULL,
    ingested_at   TIMESTAMP NOT NULL,
    superseded_by VARCHAR                      -- newer version of the same path, if any
);

CREATE TABLE rejections (
    path         VARCHAR NOT NULL,
    content_hash VARCHAR,
    reason       VARCHAR NOT NULL,
    run_id       INTEGER NOT NULL,
    rejected_at  TIMESTAMP NOT NULL
);

CREATE TABLE suggestions (
    suggestion_id VARCHAR PRIMARY KEY,
    document_hash VARCHAR NOT NULL,
    tour_id       VARCHAR,
    text          VARCHAR NOT NULL,            -- personal data masked
    text_hash     VARCHAR NOT NULL,
    span_start    INTEGER NOT NULL,
    span_end      INTEGER NOT NULL,
    speaker       VARCHAR,
    organisation  VARCHAR,
    raised_on     DATE,
    nouns         VARCHAR[] NOT NULL
);

CREATE TABLE embeddings (
    model     VARCHAR NOT NULL,
    text_hash VARCHAR NOT NULL,
    vector    FLOAT[] NOT NULL,
    PRIMARY KEY (model, text_hash)
);

CREATE TABLE themes (
    run_id        INTEGER NOT NULL,
    theme_id      INTEGER NOT NULL,            -- -1: 미분류
    label         VARCHAR NOT NULL,
    keywords      VARCHAR[] NOT NULL,
    size          INTEGER NOT NULL,
    taxonomy_name VARCHAR,
    is_unassigned BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, theme_id)
);

CREATE TABLE suggestion_themes (
    run_id              INTEGER NOT NULL,
    suggestion_id       VARCHAR NOT NULL,
    theme_id            INTEGER NOT NULL,
    representative_rank INTEGER,               -- 1 = closest to the theme's centre
    PRIMARY KEY (run_id, suggestion_id)
);
