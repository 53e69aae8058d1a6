"""Starting, watching and stopping the bot's processes: Rasa, the action server and the web app."""
