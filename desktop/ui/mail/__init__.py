"""Mail in the window (rule 29): the SMTP password of this session, the worker that sends the
outbox's due messages, and the outbox view with *Send again*."""
