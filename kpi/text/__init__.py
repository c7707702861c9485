"""Every user-facing text, one catalogue per area, looked up by kpi.text.lookup.pick."""
