"""The main window, its menus, and what it does with files and backups."""
