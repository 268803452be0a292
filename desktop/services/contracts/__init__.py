"""The contract editor's use cases:
editing, previews, the change-plan assistant and the contract store.
"""
