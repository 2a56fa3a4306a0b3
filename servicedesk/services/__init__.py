"""Writes of servicedesk data, one module per topic: counters, requests, queue, outbox,
notices, waivers, hotline."""
