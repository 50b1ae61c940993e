"""Test-wide setup: Qt renders offscreen, and nothing a test writes reaches the user's home.

Everything else Qt-related lives in tests/ui.
"""

import os
import tempfile

# Before any test module imports Qt; tests/core never imports it at all.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# QStandardPaths (recovery files, settings in the native format) follows the XDG folders
# on Linux: point them at a throwaway folder so a test can never find a recovery file an
# earlier run left behind, nor leave one for the next run.
_home = tempfile.mkdtemp(prefix="kpi-desk-tests-")
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
    os.environ[_name] = os.path.join(_home, _name.lower())
    os.makedirs(os.environ[_name], mode=0o700, exist_ok=True)
