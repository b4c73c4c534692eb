"""Qt-free heart of Footprint: models, vocabularies, rules and services."""
