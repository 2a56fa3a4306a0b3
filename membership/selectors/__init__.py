"""Reads of membership data, one module per topic."""
