"""Rules that need no database: school days, term dates, next-step guidance."""
