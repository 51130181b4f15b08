-- fieldvoice warehouse, version 6: where each theme sits, kept with the theme snapshot a pipeline run wrote.
--
-- An incremental run places a few new suggestions into the themes they fall inside (nearest
-- centroid, within the theme's radius). With the geometry stored, that run reads one row per theme
-- instead of every stored vector. Snapshots written by staff curation or a purge have no rows here:
-- the run after them computes the geometry from the vectors once, as before.
CREATE TABLE theme_geometry (
    run_id   INTEGER NOT NULL,   -- the run whose theme snapshot this describes
    theme_id INTEGER NOT NULL,
    centroid FLOAT[] NOT NULL,   -- unit mean of the members' vectors
    radius   DOUBLE NOT NULL,    -- the cosine a suggestion must reach to fall inside
    PRIMARY KEY (run_id, theme_id)
);
