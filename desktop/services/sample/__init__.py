"""Sample data: a plausible site to try the desk on (Tools → Load sample data…,
`frontdesk demo`)."""
