"""CUST-9 billing feeds in: customers, bills and usage (contracts in docs/interfaces.md).

One pipeline for the three feeds, inside one transaction (pipeline.py):

1. stream the CSV through the shared row validator (rows.py) into a TEMP staging table
   (stage.py) — COPY on PostgreSQL, batched inserts on SQLite — bad rows included, with
   their message, so that the error list never has to sit in memory;
2. check in SQL what needs the database: duplicate keys within the file, numbers we do not
   know (bills, usage), illegal status moves (customers, CUST-4);
3. if any row is bad: report every bad row in line order, write nothing;
4. otherwise merge set-based (``INSERT … SELECT … ON CONFLICT … DO UPDATE``, merge.py),
   counting created and updated rows exactly; ``dry_run`` stops before this step and rolls
   everything back.

The messages come from Python on both backends, so SQLite and PostgreSQL report the same.
The supervisors' uploads are recorded as ImportRun rows and run in the background (runs.py).

Import from here: ``from membership.services.imports import feed_import``.
"""

from membership.services.imports.feeds import (
    BATCH,
    BILLS,
    CUSTOMER_DATA,
    CUSTOMERS,
    FEEDS,
    IMPORT_NOTE,
    IMPORT_SUSPENSION_NOTE,
    PG_WORK_MEM,
    PROGRESS_EVERY,
    USAGE,
    Feed,
    ImportResult,
    OnError,
    PathOrFile,
    Progress,
    RowError,
)
from membership.services.imports.pipeline import (
    bills_import,
    customers_import,
    feed_import,
    usage_import,
)
from membership.services.imports.runs import (
    SHOWN_ERRORS,
    import_checked_files_expire,
    import_run_apply,
    import_run_apply_refusal,
    import_run_can_rerun,
    import_run_create,
    import_run_execute,
    import_run_is_stale,
    import_run_rerun,
    import_run_rerun_refusal,
    import_run_set_status,
)

__all__ = [
    "BATCH",
    "BILLS",
    "CUSTOMERS",
    "CUSTOMER_DATA",
    "FEEDS",
    "IMPORT_NOTE",
    "IMPORT_SUSPENSION_NOTE",
    "PG_WORK_MEM",
    "PROGRESS_EVERY",
    "SHOWN_ERRORS",
    "USAGE",
    "Feed",
    "ImportResult",
    "OnError",
    "PathOrFile",
    "Progress",
    "RowError",
    "bills_import",
    "customers_import",
    "feed_import",
    "import_checked_files_expire",
    "import_run_apply",
    "import_run_apply_refusal",
    "import_run_can_rerun",
    "import_run_create",
    "import_run_execute",
    "import_run_is_stale",
    "import_run_rerun",
    "import_run_rerun_refusal",
    "import_run_set_status",
    "usage_import",
]
