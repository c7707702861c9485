"""Accounts, passwords and sessions (roles and scopes are kpi.model.roles)."""
