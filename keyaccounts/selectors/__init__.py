"""Reads of the key-account data (groups, care calendar, KPI-1), one module per topic."""
