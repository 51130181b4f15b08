"""The Streamlit explorer. Pages hold layout only; every figure comes from `warehouse.queries`."""
