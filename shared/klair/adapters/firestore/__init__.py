"""Firestore adapters: jobs (+ queries and costs), usage, users, accounts, rate limits,
notifications; one client module and one record format shared by all."""
