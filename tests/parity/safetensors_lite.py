"""A tiny safetensors reader/writer (Debian's PyTorch 1.13 has no `safetensors` package).

Format: an unsigned 64-bit little-endian header length N, then N bytes of JSON
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}} (padded with
spaces to a multiple of 8, as the reference writer and CondDistill's SafetensorsFile do), then the
raw little-endian tensor bytes, offsets relative to the end of the header.
"""
import json
import os
import struct

import numpy as np
import torch

METADATA_KEY = "__metadata__"

_DTYPES = {
    "F32": (torch.float32, np.float32),
    "F64": (torch.float64, np.float64),
    "I64": (torch.int64, np.int64),
    "I32": (torch.int32, np.int32),
    "U8": (torch.uint8, np.uint8),
}
_NAMES = {torch_dtype: name for name, (torch_dtype, _) in _DTYPES.items()}


def save(path, tensors, metadata=None):
    """Writes {name: tensor} (insertion order) and {str: str} metadata atomically (tmp file, then rename)."""
    header = {}
    if metadata:
        header[METADATA_KEY] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        if name == METADATA_KEY:
            raise ValueError(f"tensor name {METADATA_KEY!r} is reserved")
        tensor = tensor.detach().cpu().contiguous()
        if tensor.dtype not in _NAMES:
            raise ValueError(f"tensor {name!r}: dtype {tensor.dtype} is not supported (use one of {sorted(_DTYPES)})")
        data = tensor.numpy().astype(tensor.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _NAMES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def load(path):
    """Returns ({name: tensor}, {metadata}) from a safetensors file, checking every offset."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: {len(raw)} bytes, shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", raw[:8])
    if 8 + length > len(raw):
        raise ValueError(f"{path}: header length {length} exceeds the file size {len(raw)}")
    header = json.loads(raw[8:8 + length].decode("utf-8"))
    data = raw[8 + length:]
    metadata = header.pop(METADATA_KEY, {}) or {}
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {entry['dtype']}")
        torch_dtype, np_dtype = _DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        count = int(np.prod(entry["shape"])) if entry["shape"] else 1
        if end > len(data) or end - begin != count * np.dtype(np_dtype).itemsize:
            raise ValueError(f"{path}: tensor {name!r} has data_offsets {begin}..{end} that do not fit its shape or the file")
        array = np.frombuffer(data[begin:end], dtype=np.dtype(np_dtype).newbyteorder("<")).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.astype(np_dtype))
    return tensors, metadata
