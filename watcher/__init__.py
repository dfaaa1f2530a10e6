"""watcher: a self-hosted competitive-intelligence alerting daemon.

Data flows one way: config → fetch → parse → match → store → digest → mailer,
driven by the daemon (scheduler) and the CLI.
"""

__version__ = "0.1.0"
