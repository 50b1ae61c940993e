"""The QR code box of the UTM tab: preview of the tagged link's code, size, save and copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kpi_desktop.core.atomic import atomic_write
from kpi_desktop.core.utm import BuildResult, qr_bytes
from kpi_desktop.ui.tabs.utm.common import make_button
from kpi_desktop.ui.widgets.forms import named

QR_PREVIEW_PX = 176


class QrPanel(QGroupBox):
    """The "QR code" box; the tab connects its buttons, which also save the link."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("QR code", parent)
        named(self, "group_qr")
        self._image = QImage()
        layout = QVBoxLayout(self)
        self.label_qr = named(QLabel(), "label_qr", "QR code of the tagged link")
        self.label_qr.setFixedSize(QR_PREVIEW_PX + 8, QR_PREVIEW_PX + 8)
        self.label_qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label_qr.setWordWrap(True)
        self.spin_qr_size = named(
            QSpinBox(), "spin_qr_size", "Width and height of the saved QR code in pixels"
        )
        self.spin_qr_size.setRange(64, 4096)
        self.spin_qr_size.setSingleStep(64)
        self.spin_qr_size.setValue(512)
        self.spin_qr_size.setSuffix(" px")
        self.button_qr_png = make_button("button_qr_png", "Save PNG…", "Save the QR code as PNG")
        self.button_qr_svg = make_button(
            "button_qr_svg", "Save SVG…", "Save the QR code as SVG (scales for print)"
        )
        self.button_qr_copy = make_button(
            "button_qr_copy", "Copy image", "Copy the QR code to the clipboard as an image"
        )
        size_row = QHBoxLayout()
        size_row.addWidget(QLabel("Size"))
        size_row.addWidget(self.spin_qr_size, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.button_qr_png)
        save_row.addWidget(self.button_qr_svg)
        layout.addWidget(self.label_qr, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(size_row)
        layout.addLayout(save_row)
        layout.addWidget(self.button_qr_copy)
        layout.addStretch(1)

    def image(self) -> QImage:
        """A copy of the code shown (null when the link cannot be built)."""
        return QImage(self._image)

    def show_result(self, result: BuildResult) -> None:
        """Draw the code of `result`'s URL, or say why there is none."""
        enabled = bool(result.url)
        if enabled:
            ratio = self.devicePixelRatioF()
            side = int(QR_PREVIEW_PX * ratio)
            # One pixel per module, then scaled without smoothing to fill the preview box.
            image = QImage.fromData(
                qr_bytes(result.url, "png", 1, border=2)
            )  # Qt reads the PNG header
            image = image.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
            self._image = image
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            self.label_qr.setPixmap(pixmap)
        else:
            self._image = QImage()
            self.label_qr.clear()
            self.label_qr.setText("The QR code appears when the URL is valid")
        for button in (self.button_qr_png, self.button_qr_svg, self.button_qr_copy):
            button.setEnabled(enabled)

    def copy(self, url: str) -> None:
        """Put the code of `url`, at the chosen size, on the clipboard as an image."""
        png = qr_bytes(url, "png", self.spin_qr_size.value())
        QGuiApplication.clipboard().setImage(QImage.fromData(png))

    def save(self, url: str, path: str | Path | None, kind: str | None) -> Path | None:
        """Save the code of `url` as PNG or SVG; asks for a file if no path (None: cancelled)."""
        if path is None:
            wanted = kind or "png"
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Save QR code", f"qr.{wanted}", f"{wanted.upper()} image (*.{wanted})"
            )
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        kind = kind or target.suffix.lower().lstrip(".") or "png"
        if target.suffix.lower() != f".{kind}":
            target = target.with_suffix(f".{kind}")
        data = qr_bytes(url, kind, self.spin_qr_size.value())
        atomic_write(target, data)
        return target
