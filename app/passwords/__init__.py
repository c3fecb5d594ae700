"""Passwords: the policy a new one must meet, argon2id hashing on a pool of threads, imported
hashes (argon2, bcrypt, scrypt) checked and verified.

May import: app.core, app.db. Must never import: any domain package (auth, users, imports)."""
