"""Korean text work: reading documents, tour metadata, splitting, analysis, embeddings, themes.

Nothing here knows about DuckDB, Prefect or Streamlit: every function takes and returns the
plain records of `nlp.records`, so each step can be run and tested alone.
"""
