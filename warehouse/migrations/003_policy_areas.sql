-- fieldvoice warehouse, version 3: policy areas (정책 분야) per suggestion, and staff corrections of them.

-- The areas each run assigned (written whenever a run assigns areas; the latest such run is current).
CREATE TABLE suggestion_areas (
    run_id        INTEGER NOT NULL,
    suggestion_id VARCHAR NOT NULL,
    area          VARCHAR NOT NULL,
    score         DOUBLE NOT NULL,
    rank          INTEGER NOT NULL,   -- 1 = primary, then secondary areas
    source        VARCHAR NOT NULL    -- model | staff (a correction replayed)
);

-- Staff corrections: the latest one per suggestion wins, is replayed on every run and teaches the
-- assignment of other suggestions (nlp.areas).
CREATE SEQUENCE area_correction_ids START 1;

CREATE TABLE area_corrections (
    correction_id INTEGER PRIMARY KEY,
    suggestion_id VARCHAR NOT NULL,
    area          VARCHAR NOT NULL,
    previous_area VARCHAR,
    actor         VARCHAR NOT NULL,
    note          VARCHAR,
    created_at    TIMESTAMP NOT NULL
);
