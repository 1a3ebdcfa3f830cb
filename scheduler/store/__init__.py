"""Persistence: SQLModel tables, engine and sessions, migrations, queries."""
