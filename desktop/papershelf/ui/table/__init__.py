"""The paper table: its model over SQL, its delegates, and the query thread."""
