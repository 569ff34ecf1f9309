"""Persistence: SQLAlchemy models, database set-up, migrations, queries, seed data.

The UI reaches the database only through the functions in this package.
"""
