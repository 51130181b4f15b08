"""Prefect flows: orchestration only. Each task calls one function of `nlp/` or `warehouse/`."""
