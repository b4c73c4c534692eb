"""The people directory, a person's page, and choosing a person."""
