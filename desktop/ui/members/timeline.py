"""A picture of a member's terms (docs/design.md#screens sketch): one lane per contract chain, a bar
per term, past terms muted, current ones in the accent colour, future ones outlined, and a today
marker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop.i18n import _
from desktop.ui.common.style import colour

LANE_HEIGHT = 26
LANE_GAP = 6
TOP = 22          # room for the "Today" caption
AXIS = 20         # room for the date ticks
SIDE = 8
MAX_PAST = timedelta(days=540)   # older history is clipped so current terms keep their width
MIN_FUTURE = timedelta(days=90)


@dataclass(frozen=True)
class Bar:
    contract_id: int
    lane: int
    start: date
    end: date | None          # None: runs on (no cancellation date)
    plan: str
    status: str


def chains(contracts: list[Any]) -> list[list[Any]]:
    """Contracts grouped by predecessor links, each chain in start order, chains by first start."""
    by_id = {c.id: c for c in contracts}

    def root(c: Any) -> Any:
        seen = set()
        while c.predecessor in by_id and c.id not in seen:
            seen.add(c.id)
            c = by_id[c.predecessor]
        return c

    groups: dict[Any, list[Any]] = {}
    for c in contracts:
        groups.setdefault(root(c).id, []).append(c)
    result = [sorted(g, key=lambda c: (c.start_date, c.id)) for g in groups.values()]
    return sorted(result, key=lambda g: (g[0].start_date, g[0].id))


def bars(contracts: list[Any]) -> list[Bar]:
    return [Bar(c.id, lane, c.start_date, c.cancellation_date, c.plan, c.status)
            for lane, chain in enumerate(chains(contracts)) for c in chain]


class TermTimeline(QWidget):
    """Paints the member's terms; set_terms(contracts, today) with MemberService ContractRows."""

    def __init__(self, formatter: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("termTimeline")
        self._formatter = formatter
        self._bars: list[Bar] = []
        self._lanes = 0
        self._today: date | None = None
        self._rects: list[tuple[QRectF, Bar]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_formatter(self, formatter: Any) -> None:
        self._formatter = formatter
        self.update()

    def set_terms(self, contracts: list[Any], today: date) -> None:
        self._bars = bars(contracts)
        self._lanes = max((b.lane for b in self._bars), default=-1) + 1
        self._today = today
        self.updateGeometry()
        self.update()

    def bar_list(self) -> list[Bar]:
        return list(self._bars)

    def sizeHint(self) -> QSize:  # noqa: N802
        lanes = max(1, self._lanes)
        return QSize(480, TOP + lanes * (LANE_HEIGHT + LANE_GAP) + AXIS)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(200, self.sizeHint().height())

    # -- geometry -------------------------------------------------------------------------
    def date_range(self) -> tuple[date, date]:
        today = self._today or date(2000, 1, 1)
        starts = [b.start for b in self._bars]
        # An open-ended term keeps a readable stretch of bar after its start.
        ends = [b.end for b in self._bars if b.end]
        ends += [b.start + (MIN_FUTURE if b.end is None else timedelta(0)) for b in self._bars]
        lo = max(min(starts + [today - timedelta(days=30)]), today - MAX_PAST)
        hi = max(ends + [today + MIN_FUTURE]) + timedelta(days=20)
        return lo, hi

    def _x(self, day: date, lo: date, hi: date) -> float:
        width = self.width() - 2 * SIDE
        span = max(1, (hi - lo).days)
        return SIDE + width * min(max((day - lo).days, 0), span) / span

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        self._rects = []
        if not self._bars or self._today is None:
            painter.setPen(palette.placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             _("No contracts yet: the member's terms will appear here."))
            return
        lo, hi = self.date_range()
        self._paint_axis(painter, palette, lo, hi)
        labels = [self._paint_bar(painter, palette, bar, lo, hi) for bar in self._bars]
        self._paint_today(painter, lo, hi)
        # Plan names go on top of the today line so it never crosses out a word.
        metrics = QFontMetrics(painter.font())
        for rect, color, text in labels:
            painter.setPen(color)
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             metrics.elidedText(text, Qt.TextElideMode.ElideRight,
                                                int(max(0, rect.width()))))

    def _paint_axis(self, painter: QPainter, palette: QPalette, lo: date, hi: date) -> None:
        baseline = self.height() - AXIS + 2
        grid = QColor(palette.mid().color())
        grid.setAlpha(90)
        painter.setPen(QPen(grid, 1))
        painter.drawLine(QPointF(SIDE, baseline), QPointF(self.width() - SIDE, baseline))
        metrics = QFontMetrics(painter.font())
        painter.setPen(palette.placeholderText().color())
        last_right = -1e9
        for tick in self._ticks(lo, hi):
            x = self._x(tick, lo, hi)
            text = self._formatter.date(tick)
            width = metrics.horizontalAdvance(text)
            left = min(max(x - width / 2, SIDE), self.width() - SIDE - width)
            if left < last_right + 12:
                continue   # never let tick labels overlap on a narrow window
            painter.drawLine(QPointF(x, baseline), QPointF(x, baseline + 3))
            painter.drawText(QPointF(left, baseline + 4 + metrics.ascent()), text)
            last_right = left + width

    @staticmethod
    def _ticks(lo: date, hi: date) -> list[date]:
        """First days of months, thinned to about six ticks."""
        months = (hi.year - lo.year) * 12 + hi.month - lo.month
        step = max(1, round(months / 6))
        ticks, year, month = [], lo.year, lo.month + 1
        while True:
            if month > 12:
                year, month = year + 1, month - 12
            day = date(year, month, 1)
            if day >= hi:
                return ticks
            ticks.append(day)
            month += step

    def _paint_bar(self, painter: QPainter, palette: QPalette, bar: Bar, lo: date,
                   hi: date) -> tuple[QRectF, QColor, str]:
        """Paint the bar's shape; return where and how its plan name is to be written."""
        top = TOP + bar.lane * (LANE_HEIGHT + LANE_GAP)
        left = self._x(bar.start, lo, hi)
        right = self._x(bar.end, lo, hi) if bar.end else self.width() - SIDE
        rect = QRectF(left, top, max(4.0, right - left - 2), LANE_HEIGHT)
        self._rects.append((rect, bar))
        accent = palette.highlight().color()
        path = QPainterPath()
        path.addRoundedRect(rect, 4, 4)
        if bar.status == "cancelled":
            fill, text = palette.midlight().color(), palette.text().color()
            border = Qt.PenStyle.NoPen
        elif bar.status == "inactive":
            fill = QColor(accent)
            fill.setAlpha(40)
            text, border = palette.text().color(), Qt.PenStyle.DashLine
        else:
            fill, text, border = accent, palette.highlightedText().color(), Qt.PenStyle.NoPen
        painter.fillPath(path, fill)
        if border != Qt.PenStyle.NoPen:
            painter.setPen(QPen(accent, 1.2, border))
            painter.drawPath(path)
        if bar.end is None:   # an open-ended term: a small arrow says "runs on"
            tip = QPainterPath()
            mid = rect.center().y()
            tip.moveTo(rect.right() - 10, mid - 5)
            tip.lineTo(rect.right() - 4, mid)
            tip.lineTo(rect.right() - 10, mid + 5)
            painter.setPen(QPen(text, 1.5))
            painter.drawPath(tip)
        return rect.adjusted(8, 0, -14, 0), QColor(text), bar.plan

    def _paint_today(self, painter: QPainter, lo: date, hi: date) -> None:
        x = self._x(self._today, lo, hi)
        color = QColor(colour("error", self.palette()))
        painter.setPen(QPen(color, 1.5))
        painter.drawLine(QPointF(x, TOP - 4), QPointF(x, self.height() - AXIS + 2))
        metrics = QFontMetrics(painter.font())
        caption = _("Today")
        width = metrics.horizontalAdvance(caption)
        left = min(max(x - width / 2, SIDE), self.width() - SIDE - width)
        painter.drawText(QPointF(left, metrics.ascent() + 1), caption)

    # -- tooltips -----------------------------------------------------------------------------
    def bar_tooltip(self, bar: Bar) -> str:
        f = self._formatter
        if bar.end is None:
            when = _("from {start}").format(start=f.date(bar.start))
        else:
            when = f.period(bar.start, bar.end)
        return _("{plan}: {when}").format(plan=bar.plan, when=when)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            for rect, bar in self._rects:
                if rect.contains(QPointF(event.pos())):
                    QToolTip.showText(event.globalPos(), self.bar_tooltip(bar), self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(event)
