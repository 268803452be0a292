"""Pieces every screen uses: forms, tables, small widgets, worker threads, style and icons."""
