"""`import_usage PATH [--dry-run]`: the usage feed in (docs/interfaces.md, CUST-9)."""

from membership.management.commands._import_feed import FeedImportCommand


class Command(FeedImportCommand):
    help = "Import the usage feed (CSV): all rows or, if any row is bad, none."
    feed = "usage"
