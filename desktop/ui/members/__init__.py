"""The member list, the member page with its term timeline, the member dialog."""
