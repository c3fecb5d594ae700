"""user-import-service: add email users in bulk from a CSV file, all or nothing.

Packages on floors, every arrow pointing down (tests/core/test_layout.py keeps it so):
core (settings, errors, codes, logs, metrics: no app import) < db (engine, tables) < http,
passwords, queue (the web's plumbing, hashing, the task queue: each knowing no domain) < auth
(API keys and roles) < users (the directory) < imports (the import of a file) < routes (health,
metrics, the page) < main (create_app) and cli (the `userimport` command).
"""
