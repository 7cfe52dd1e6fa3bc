"""Use cases that tell users' systems what happened: signed webhook notifications."""
