"""Keeping data safe: verified backups, recovery from damage, files written whole."""
