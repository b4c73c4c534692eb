"""Command-line subcommands (Qt-free; each returns the process exit code)."""
