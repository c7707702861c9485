"""The `kpi` command line."""
