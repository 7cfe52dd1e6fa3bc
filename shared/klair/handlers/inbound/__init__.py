"""Use cases other services call us for: Clerk's user events, Sieve's autocrop callbacks."""
