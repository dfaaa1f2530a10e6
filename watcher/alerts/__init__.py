"""Instant alerts: rules from config.yaml (`alerts.rules`) looked at after each polling pass, an outbox row
per rule and story decided in one transaction, then sent through Apprise (Slack, Teams, Matrix, Telegram,
ntfy, e-mail, webhooks...).

rules   — pure: whether a story fits a rule, when its alert is due (quiet hours, hourly limit), its words
send    — handing one alert to every notification URL of its rule (Apprise)
outbox  — deciding (store rows) and sending what is due, at least once: a crash between sending and marking
          sends the alert again with the same key, which receivers see (Idempotency-Key header on json://,
          form:// and xml://; the key ends every message)
"""

from watcher.alerts.outbox import decide_alerts, send_due_alerts

__all__ = ["decide_alerts", "send_due_alerts"]
