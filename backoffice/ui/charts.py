"""Two small QPainter charts (stacked bars per day, horizontal bars per category), so we need not ship QtCharts.

Colours follow the Okabe–Ito palette, readable by colour-blind supervisors; every figure is also in a tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
AXIS = QColor("#44515e")
GRID = QColor("#e1e6eb")


def french_number(n: float) -> str:
    return format_decimal(n, locale="fr_FR")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]
    color: str


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A round step (1, 2, 5 × 10^n) giving about ``ticks`` grid lines up to ``maximum``."""
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(1, factor * magnitude)
    return max(1, 10 * magnitude)


class StackedBarChart(QWidget):
    """Counts per day, one coloured segment per series, with a legend and French axis labels."""

    def __init__(self, title: str, y_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.y_label = y_label
        self.days: tuple[date, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.setMinimumSize(480, 280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setAccessibleName(title)

    def sizeHint(self) -> QSize:
        return QSize(900, 360)

    def set_data(self, days: Sequence[date], series: Sequence[Series]) -> None:
        self.days = tuple(days)
        self.series = tuple(series)
        total = sum(sum(s.values) for s in series)
        self.setAccessibleDescription(f"{len(self.days)} jours, {total} au total")
        self.update()

    def totals(self) -> list[int]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.days))]

    def _plot_rect(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        left = metrics.horizontalAdvance("00 000") + 34
        top = metrics.height() * 2 + 26 + self._legend_height(metrics)
        return QRectF(
            left,
            top,
            max(10, self.width() - left - 16),
            max(10, self.height() - top - 3 * metrics.height() - 10),
        )

    def _legend_height(self, metrics: QFontMetrics) -> int:
        width, rows = 0, 1
        for s in self.series:
            item = 22 + metrics.horizontalAdvance(s.label) + 18
            if width + item > self.width() - 20 and width:
                rows += 1
                width = 0
            width += item
        return rows * (metrics.height() + 6) if self.series else 0

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = QFontMetrics(self.font())
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(self.font().pointSizeF() * 1.15)
        painter.setFont(title_font)
        painter.setPen(QColor("#1f3b57"))
        painter.drawText(
            QRectF(0, 6, self.width(), metrics.height() * 1.6), Qt.AlignmentFlag.AlignHCenter, self.title
        )
        painter.setFont(self.font())
        self._draw_legend(painter, metrics, metrics.height() * 2 + 8)
        plot = self._plot_rect()
        totals = self.totals()
        if not self.days or not any(totals):
            painter.setPen(AXIS)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Aucun blocage sur la période choisie.")
            return
        step = nice_step(max(totals))
        top_value = step * math.ceil(max(totals) / step)
        scale = plot.height() / top_value
        value = 0.0
        while value <= top_value + 1e-9:  # grid and y ticks
            y = plot.bottom() - value * scale
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(AXIS)
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                french_number(value),
            )
            value += step
        slot = plot.width() / len(self.days)
        bar = max(1.0, slot * 0.78)
        for i in range(len(self.days)):
            x = plot.left() + i * slot + (slot - bar) / 2
            y = plot.bottom()
            for s in self.series:
                height = s.values[i] * scale
                if height > 0:
                    painter.fillRect(QRectF(x, y - height, bar, height), QColor(s.color))
                    y -= height
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        label_width = metrics.horizontalAdvance("00 sept.") + 10
        every = max(1, math.ceil(label_width / slot))
        for i, day in enumerate(self.days):
            if i % every:
                continue
            x = plot.left() + i * slot + slot / 2
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.drawText(
                QRectF(x - label_width / 2, plot.bottom() + 5, label_width, metrics.height()),
                Qt.AlignmentFlag.AlignHCenter,
                format_date(day, "d MMM", locale="fr_FR"),
            )
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + metrics.height() + 8, plot.width(), metrics.height() + 4),
            Qt.AlignmentFlag.AlignHCenter,
            "Jour (heure de Paris)",
        )
        painter.save()
        painter.translate(12, plot.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-plot.height() / 2, -metrics.height() / 2 - 2, plot.height(), metrics.height() + 4),
            Qt.AlignmentFlag.AlignCenter,
            self.y_label,
        )
        painter.restore()

    def _draw_legend(self, painter: QPainter, metrics: QFontMetrics, top: float) -> None:
        x, y = 12.0, top
        for s in self.series:
            item = 22 + metrics.horizontalAdvance(s.label) + 18
            if x + item > self.width() - 8 and x > 12:
                x, y = 12.0, y + metrics.height() + 6
            painter.fillRect(QRectF(x, y + 2, 14, metrics.height() - 4), QColor(s.color))
            painter.setPen(AXIS)
            painter.drawText(QPointF(x + 20, y + metrics.ascent()), s.label)
            x += item

    def day_at(self, x: float) -> int | None:
        plot = self._plot_rect()
        if not self.days or not plot.left() <= x < plot.right():
            return None
        return int((x - plot.left()) / (plot.width() / len(self.days)))

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            index = self.day_at(event.pos().x())
            if index is None:
                QToolTip.hideText()
                return True
            lines = [f"<b>{format_date(self.days[index], 'EEEE d MMMM yyyy', locale='fr_FR')}</b>"]
            lines += [f"{s.label} : {french_number(s.values[index])}" for s in self.series if s.values[index]]
            lines.append(f"Total : {french_number(self.totals()[index])}")
            QToolTip.showText(event.globalPos(), "<br>".join(lines), self)
            return True
        return super().event(event)  # type: ignore[arg-type]


class HorizontalBars(QWidget):
    """One labelled bar per category with its count and share: the per-reason totals at a glance."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.items: tuple[tuple[str, int, str], ...] = ()
        self.setMinimumHeight(160)
        self.setAccessibleName(title)

    def set_data(self, items: Sequence[tuple[str, int, str]]) -> None:
        self.items = tuple(items)
        metrics = QFontMetrics(self.font())
        self.setMinimumHeight(int(metrics.height() * 2.5 + len(self.items) * (metrics.height() + 10) + 10))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = QFontMetrics(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#1f3b57"))
        painter.drawText(
            QRectF(12, 6, self.width() - 24, metrics.height() * 1.5), Qt.AlignmentFlag.AlignLeft, self.title
        )
        painter.setFont(self.font())
        total = sum(n for _, n, _ in self.items)
        label_width = max((metrics.horizontalAdvance(label) for label, _, _ in self.items), default=0) + 24
        value_width = metrics.horizontalAdvance("000 000 (100 %)") + 12
        bar_space = max(10, self.width() - label_width - value_width - 24)
        biggest = max((n for _, n, _ in self.items), default=0) or 1
        y = metrics.height() * 2.0
        for label, n, color in self.items:
            painter.setPen(AXIS)
            painter.drawText(
                QRectF(12, y, label_width - 12, metrics.height() + 4), Qt.AlignmentFlag.AlignVCenter, label
            )
            width = bar_space * n / biggest
            painter.fillRect(
                QRectF(label_width, y + 2, max(width, 1 if n else 0), metrics.height()), QColor(color)
            )
            share = f" ({round(100 * n / total)} %)" if total else ""
            painter.drawText(
                QRectF(label_width + width + 8, y, value_width, metrics.height() + 4),
                Qt.AlignmentFlag.AlignVCenter,
                french_number(n) + share,
            )
            y += metrics.height() + 10
