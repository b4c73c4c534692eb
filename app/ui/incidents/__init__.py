"""The incident list and the incident editor."""
