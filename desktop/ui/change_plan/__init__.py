"""The change-plan assistant: eligible plans and add-ons, when to change, the comparison."""
