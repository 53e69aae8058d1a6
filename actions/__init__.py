"""Rasa custom actions: thin adapters from rasa-sdk onto the `bot` package.

rasa-sdk imports every module of this package and registers its Action classes.
Nothing heavy may be imported at module level (see bot/__init__.py).
"""

import logging as _logging

from bot.privacy import PiiMaskingFilter as _PiiMaskingFilter

# rasa-sdk sets up its log handlers before it imports this package; mask personal data and order
# numbers in whatever they write (our own code masks too, but libraries log what they are given).
for _handler in _logging.getLogger().handlers:
    _handler.addFilter(_PiiMaskingFilter())
