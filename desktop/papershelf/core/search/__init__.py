"""The query language, first pages of a result, and the sidebar's counts."""
