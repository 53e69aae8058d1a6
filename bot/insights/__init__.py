"""What support teams learn from conversations: unanswered questions (and later, satisfaction)."""
