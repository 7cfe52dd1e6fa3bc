"""Entry points' common half: decode a Pub/Sub push, a Cloud Task or an HTTP request, run the
handler the function's `main.py` names, and answer the platform (ack, retry, an HTTP status).
Importing any of these modules does no I/O; the dependencies are built on the first call."""
