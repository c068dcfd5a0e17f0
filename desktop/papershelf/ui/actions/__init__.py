"""What a reader can do to papers, as actions with undo."""
