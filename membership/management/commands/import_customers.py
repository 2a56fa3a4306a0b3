"""`import_customers PATH [--dry-run]`: the customers feed in (docs/interfaces.md, CUST-9)."""

from membership.management.commands._import_feed import FeedImportCommand


class Command(FeedImportCommand):
    help = "Import the customers feed (CSV): all rows or, if any row is bad, none."
    feed = "customers"
