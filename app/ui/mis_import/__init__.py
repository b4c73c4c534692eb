"""The import from the school's MIS: choose a file, map a CSV's columns, preview, apply."""
