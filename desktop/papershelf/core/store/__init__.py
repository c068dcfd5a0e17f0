"""Where the library lives: the SQLite file, its schema and migrations, and the SQL."""
