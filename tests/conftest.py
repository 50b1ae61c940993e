"""Test-wide setup: Qt renders offscreen. Everything else Qt-related lives in tests/ui."""

import os

# Before any test module imports Qt; tests/core never imports it at all.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
