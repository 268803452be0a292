"""The main window and what surrounds it: menus and actions, the welcome page, preferences."""
