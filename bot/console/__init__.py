"""The consultants' console: login, the live handoff queue, the chat with the customer, FAQ and shop look-ups."""
