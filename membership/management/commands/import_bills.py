"""`import_bills PATH [--dry-run]`: the bills feed in (docs/interfaces.md, CUST-9)."""

from membership.management.commands._import_feed import FeedImportCommand


class Command(FeedImportCommand):
    help = "Import the bills feed (CSV): all rows or, if any row is bad, none."
    feed = "bills"
