"""Doradca: an FAQ chatbot and virtual shop advisor built on Rasa.

The package is imported by the action server, the web app and the CLI, so
importing it must stay cheap: heavy dependencies (torch, FAISS, lingua's
models) are loaded only where and when they are used.
"""

__version__ = "0.1.0"
