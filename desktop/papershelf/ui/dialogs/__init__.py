"""Dialogs that edit papers."""
