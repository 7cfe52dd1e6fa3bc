"""The local stack: emulators, fake-gcs-server, functions and the task dispatcher."""
