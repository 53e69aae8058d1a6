"""The project's web app: the customer chat page and the health page (later, the consultant console)."""
