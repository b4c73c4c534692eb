"""PDF and CSV documents built from plain data; nothing here queries the database."""
