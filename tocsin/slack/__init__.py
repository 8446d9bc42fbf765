"""The Slack app: approval cards, decisions, edits, reminders and escalations in Slack.

``settings`` reads the environment, ``ids`` holds every action and view id, ``cards`` builds the
typed blocks, ``notifier`` is what the notify activity calls; the Bolt listeners, grouped by
kind, are in ``actions`` (button clicks), ``views`` (dialogs submitted) and ``commands``
(``/tocsin``), sharing ``front``; ``app`` assembles them and ``run`` starts it in Socket Mode or
over HTTP.
"""
