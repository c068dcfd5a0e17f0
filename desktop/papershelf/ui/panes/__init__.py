"""The panes beside the table: details, note editor, facet sidebar."""
