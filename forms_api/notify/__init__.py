"""Notifications: the settings of the senders (config), the senders (senders: log and SMTP e-mail; sms: Alibaba Cloud
and Tencent Cloud SMS), what each notification says (forms_api/messages_notify.py), and the worker that sends the
outbox's notices and records each result (worker), with its commands (`python -m forms_api notify ...`, cli).

The outbox itself is pure and lives with the cases (forms_api/cases/outbox.py)."""
