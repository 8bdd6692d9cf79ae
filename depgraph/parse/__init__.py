"""Parsers: pure functions of text. No file system, no NetworkX, no printing."""
