"""Rasa custom actions: thin adapters from rasa-sdk onto the `bot` package.

rasa-sdk imports every module of this package and registers its Action classes.
Nothing heavy may be imported at module level (see bot/__init__.py).
"""
