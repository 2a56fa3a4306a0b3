"""Reads of servicedesk data, one module per topic."""
