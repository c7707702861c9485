"""中试驾驶舱 core: definitions, store, ingestion and the KPI engine. Never imports streamlit."""

__version__ = "0.1.0"
