"""Data files that ship with the bot (see README.md)."""
