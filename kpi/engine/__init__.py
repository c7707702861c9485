"""The KPI status of a scope and its breakdowns, from the store and the progress arithmetic."""
