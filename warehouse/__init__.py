"""The DuckDB warehouse: the only code that writes SQL.

`connection` opens the file (read-write for the pipeline, read-only for the explorer) and
applies migrations; `store` writes one pipeline run in one transaction; `queries` are the
named reads the pipeline and the explorer use.
"""
