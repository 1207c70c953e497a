"""Streamlit widgets for the dashboard; the only part of lib that imports streamlit."""
