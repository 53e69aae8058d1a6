"""Rasa input channels of our own (loaded by the Rasa server, Python 3.10), named in credentials.yml."""
