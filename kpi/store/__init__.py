"""The DuckDB store: connections, schema and migrations, queries, reference tables, audit trail."""
