"""The staff console: review conversations and follow up consultation requests.

A Flask application served by waitress on :8080 (``python -m bot.console serve``),
reading Rasa's SQL tracker store and the consultation requests through
SQLAlchemy, with its own tables (staff accounts, sessions, audit log, the
conversation index) in ``CONSOLE_DB_URL``. See docs/console.md.
"""
