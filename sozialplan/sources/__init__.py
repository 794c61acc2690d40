"""Readers of real public file formats (Django-free).

Each reader turns a file into typed records or raises ``SourceError`` with a
German message naming file, line and reason. Loading into the database is the
job of the Django apps' services, which call these readers.
"""
