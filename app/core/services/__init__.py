"""Use cases: the only way the UI, the command line and the tests read and write records."""
