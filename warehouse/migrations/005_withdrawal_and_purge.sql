-- fieldvoice warehouse, version 5: documents whose file left the data folder are withdrawn, and a
-- document can be purged from history.

-- documents.superseded_by now also holds 'withdrawn': the file is gone from the data folder, so the
-- document is no longer current (it comes back if the same bytes return to the same path).
-- How many documents each run withdrew.
ALTER TABLE runs ADD COLUMN documents_withdrawn INTEGER;

-- Who purged which path and when: what was removed is counted, never quoted.
CREATE SEQUENCE purge_ids START 1;

CREATE TABLE document_purges (
    purge_id    INTEGER PRIMARY KEY,
    path        VARCHAR NOT NULL,      -- the path purged (relative to the data folder)
    versions    INTEGER NOT NULL,      -- document rows removed (every version of the path)
    suggestions INTEGER NOT NULL,      -- suggestions removed
    embeddings  INTEGER NOT NULL,      -- cached vectors removed (those no other suggestion shares)
    actor       VARCHAR NOT NULL,
    note        VARCHAR,
    created_at  TIMESTAMP NOT NULL,
    run_id      INTEGER                -- the purge run that wrote the themes without them (NULL: none held them)
);
