"""Today: what is due today, both sides."""
