"""The files Frontdesk writes and reads for a person — the frontdesk/2 document, the CSV tables,
invoice PDFs — declared once in `registry.py` and written once in `files.py`, for the command
line and the window alike. It stands between them and the services (and desktop/documents for
the PDFs, loaded only when one is made); it never imports Qt itself."""
