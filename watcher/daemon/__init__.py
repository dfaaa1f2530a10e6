"""`watcher run`: the long-running service.

APScheduler 3 (AsyncIOScheduler, in-memory job store rebuilt from config, fixed job ids) drives four
jobs: a polling tick that polls the feeds that are due (each feed's next poll time lives in the
database, not in one job per feed), the daily digest at the configured local time, a catch-up check
every few minutes (so downtime, a missed firing or a DST change still yields the day's digest once),
and a watch on config.yaml. SIGTERM/SIGINT stop it cleanly; SIGHUP reloads the config. Both are
handled from the process's first instruction (watcher/signals.py): a stop noted while starting ends the
start with status 0, a reload noted after the config was read is done once the daemon runs.

The parts: service.py (Daemon: start, the scheduled jobs, the web endpoint, a clean stop), jobs.py (what the jobs
do: the polling tick, the digest and its wait for a start's feeds, pruning, the systemd watchdog), reload.py (the
config reloaded on a change or SIGHUP) and run.py (the entry points: run_daemon, run_once).
"""
