-- fieldvoice warehouse, version 4: themes are named by noun phrases from their own suggestions
-- (label_source 'phrase') and sit under the policy area most of their members belong to, so the
-- keyword-matched taxonomy name of a theme is gone.
ALTER TABLE themes DROP COLUMN taxonomy_name;
