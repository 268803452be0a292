"""The frontdesk/1 document (DESIGN.md §4):
values read with their place, sections checked, export and import.
"""
