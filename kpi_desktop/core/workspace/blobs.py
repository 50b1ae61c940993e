"""Facts and event users as checksummed Arrow IPC BLOBs (LZ4, text dictionary-encoded).

Why facts are BLOBs and not a row-per-fact SQL table: inserting 1M rows into SQLite and
reading them back into pandas costs seconds (`benchmarks/bench_store.py` prints it), far
over the import (< 3 s) and open budgets; an Arrow IPC BLOB per source loads in about
the time SQLite needs to copy the file.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

_ARROW_OPTIONS = ipc.IpcWriteOptions(compression="lz4")


def encode(frame: pd.DataFrame) -> bytes:
    """A frame as one LZ4-compressed Arrow IPC stream; text is dictionary-encoded."""
    arrays = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            values = column.astype(object).to_numpy()
            arrays.append(pa.array(values, type=pa.string(), from_pandas=True).dictionary_encode())
        elif column.dtype.kind == "f":
            # NaN stays a float value (not an Arrow null) so decoding is zero-copy.
            arrays.append(pa.array(column.to_numpy()))
        else:
            arrays.append(pa.Array.from_pandas(column))
    table = pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema, options=_ARROW_OPTIONS) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def decode(blob: bytes) -> tuple[pd.DataFrame, frozenset[str]]:
    """The frame of `encode`, and its campaign keys (free from the Arrow dictionary)."""
    table = ipc.open_stream(pa.py_buffer(blob)).read_all()
    # One block per column: later single-column edits then copy one column, not all.
    frame = table.to_pandas(split_blocks=True)
    keys: frozenset[str] = frozenset()
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            if name == "campaign_key":
                column = frame[name]
                keys = frozenset(column.cat.categories[np.unique(column.cat.codes)])
            frame[name] = frame[name].astype(object)
    return frame, keys


def checksum(blob: bytes) -> int:
    """The CRC-32 stored beside a BLOB and checked on open."""
    return zlib.crc32(blob)
