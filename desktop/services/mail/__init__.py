"""Documents leave by mail (rule 29): the SMTP transport (`transport.py`), the outbox that
claims, sends and records (`outbox.py`), the message made of a document and its texts
(`message.py`, `texts.py`), why a send failed in the reader's words (`failures.py`) and the
password in the system keyring (`passwords.py`)."""
