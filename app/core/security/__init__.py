"""Accounts' secrets: password hashing and the password rule."""
