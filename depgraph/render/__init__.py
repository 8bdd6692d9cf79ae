"""Renderers: turn answers (values) into text, JSON or DOT. Deterministic, print nothing."""
