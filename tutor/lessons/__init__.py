"""Lesson content as data: the schema, the loader and the TOML files in `content/`."""
