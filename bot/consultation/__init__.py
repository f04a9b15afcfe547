"""Consultation requests workers leave through the bot, and the staff's follow-up.

``validation`` holds the pure checks the consultation form runs on each answer;
``store`` keeps the requests (SQLite by default, PostgreSQL by configuration).
Nothing here connects to a database at import time.
"""
