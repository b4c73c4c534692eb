"""The Subject access page and its dialogs."""
