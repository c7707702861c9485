"""Alerts: rules as data over what the engine knows, an outbox in the database, and delivery to
one configured webhook (DingTalk or WeCom group robots)."""
