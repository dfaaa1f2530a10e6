"""One polling pass: fetch → parse → match → store for each feed that is due.

Feeds are polled concurrently (a bounded pool, and a per-host limit so watcher stays polite); parsing
runs in worker processes so fetching never stalls behind feedparser; database writes are serialised,
short, one transaction per feed, and never held across network I/O. A failing feed is recorded with
its error and retried with exponential backoff; it never stops the others.

The stages, one module each: passes.py (the pass: claim the due feeds, poll them concurrently), poller.py (the
Poller: each feed fetched and handed on), parsing.py (a changed feed read and matched, in a worker process or in
this one), outcomes.py (what each feed's poll comes to: stored, failed, gone, deferred), writes.py (the group
transactions that record them), schedule.py (when each feed is polled next) and summary.py (the pass's counts).
"""
