"""The contract editor: tabs, live invoice preview, add-ons, terms, history and its actions."""
