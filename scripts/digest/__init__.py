"""The digest: machine summaries, the reader's interests, ranked picks and the daily email."""
