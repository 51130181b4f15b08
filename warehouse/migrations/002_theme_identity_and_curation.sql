-- fieldvoice warehouse, version 2: themes keep their identity across runs, and staff curate them.

-- What kind of run wrote a snapshot of themes, and how the themes were made.
ALTER TABLE runs ADD COLUMN kind VARCHAR DEFAULT 'pipeline';       -- pipeline | curation
ALTER TABLE runs ADD COLUMN theming_mode VARCHAR;                   -- full | recluster | incremental | curation
ALTER TABLE runs ADD COLUMN settings_fingerprint VARCHAR;           -- model + tagger + clustering + taxonomy

ALTER TABLE themes ADD COLUMN label_source VARCHAR DEFAULT 'keywords';  -- keywords | taxonomy | staff
ALTER TABLE themes ADD COLUMN is_hidden BOOLEAN DEFAULT false;

-- Where each theme of a run came from (split, merge, continued, new).
CREATE TABLE theme_links (
    run_id    INTEGER NOT NULL,
    theme_id  INTEGER NOT NULL,
    parent_id INTEGER,                 -- the earlier theme; NULL for a new theme
    relation  VARCHAR NOT NULL,        -- new | continued | split | merged
    shared    INTEGER NOT NULL         -- suggestions the two have in common
);

-- The curation log, replayed on every run (nlp.curation).
CREATE SEQUENCE curation_ids START 1;

CREATE TABLE curations (
    curation_id     INTEGER PRIMARY KEY,
    action          VARCHAR NOT NULL,  -- rename | merge | move | hide | unhide
    theme_id        INTEGER NOT NULL,  -- the theme acted on (move: the destination)
    target_theme_id INTEGER,           -- merge: the theme it was merged into
    suggestion_id   VARCHAR,           -- move: the suggestion moved
    member_ids      VARCHAR[],         -- merge: the merged theme's suggestions at the time
    label           VARCHAR,           -- rename: the new name
    previous_label  VARCHAR,           -- the theme's name when the action was taken, for the history
    actor           VARCHAR NOT NULL,
    note            VARCHAR,
    created_at      TIMESTAMP NOT NULL,
    run_id          INTEGER NOT NULL   -- the curation run that applied it
);
