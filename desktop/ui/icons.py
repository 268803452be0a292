"""Icons from the Font Awesome 6 font shipped with qtawesome (DESIGN.md §6: no hand-drawn bitmaps)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon

_log = logging.getLogger(__name__)

# One name per meaning, so the same action shows the same picture everywhere.
NAMES = {
    "about": "fa6s.circle-info",
    "archive": "fa6s.box-archive",
    "backup": "fa6s.floppy-disk",
    "contract": "fa6s.file-signature",
    "delete": "fa6s.trash-can",
    "edit": "fa6s.pen",
    "empty": "fa6s.seedling",
    "invoice": "fa6s.file-invoice",
    "member": "fa6s.user",
    "members": "fa6s.users",
    "new": "fa6s.plus",
    "plans": "fa6s.layer-group",
    "preferences": "fa6s.gear",
    "quit": "fa6s.right-from-bracket",
    "refresh": "fa6s.arrows-rotate",
    "restore": "fa6s.clock-rotate-left",
    "sample": "fa6s.wand-magic-sparkles",
    "search": "fa6s.magnifying-glass",
    "sweep": "fa6s.calendar-check",
    "transitions": "fa6s.timeline",
    "warning": "fa6s.triangle-exclamation",
}

_cache: dict[tuple[str, str | None], QIcon] = {}


def icon(name: str, color: str | None = None) -> QIcon:
    """The icon for a meaning in NAMES (or a raw qtawesome name); an empty icon if unavailable."""
    key = (name, color)
    if key not in _cache:
        try:
            import qtawesome as qta

            options = {"color": color} if color else {}
            _cache[key] = qta.icon(NAMES.get(name, name), **options)
        except Exception:  # a missing font must never stop the window from opening
            _log.warning("icon %s unavailable", name, exc_info=True)
            _cache[key] = QIcon()
    return _cache[key]
