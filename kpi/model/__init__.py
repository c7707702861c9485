"""What the product is about, with no I/O: KPI definitions, periods, settings, errors, roles."""
