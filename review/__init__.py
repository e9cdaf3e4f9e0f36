"""The review workflow of a clue: its statuses, who changed them and why."""
