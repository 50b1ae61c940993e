"""Guards against Qt-binding bugs that would crash the app, whatever our code does."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    flag = Signal(bool)


def test_emitting_to_python_slots_keeps_true_and_false_alive(qapp):
    # PySide6 6.12.0 decremented True's reference count on every emit; after a few
    # thousand signals Python 3.11 aborted with "Fatal Python error: bool_dealloc".
    emitter = _Emitter()
    emitter.plain.connect(lambda: None)
    emitter.flag.connect(lambda _value: None)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(200):
        emitter.plain.emit()
        emitter.flag.emit(False)
        emitter.flag.emit(True)
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
