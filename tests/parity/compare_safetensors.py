#!/usr/bin/env python3
"""Compare the tensors of two safetensors files byte for byte (metadata reported, not compared).

Usage: python3 tests/parity/compare_safetensors.py A.safetensors B.safetensors
Exit 0 when every tensor is bit-identical, 1 otherwise. Used to show that a killed and resumed run
ends with the same weights as an uninterrupted one (their metadata differ: the run folder's name).
"""
import json
import struct
import sys


def load(path):
    blob = open(path, "rb").read()
    size = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + size])
    meta = header.pop("__metadata__", {})
    data = blob[8 + size:]
    return {k: data[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items()}, meta


a, meta_a = load(sys.argv[1])
b, meta_b = load(sys.argv[2])
different = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
print(f"{len(a)} vs {len(b)} tensors; {len(different)} differ" + (f": {different[:5]}" if different else " (bit-identical)"))
print("metadata keys that differ:", sorted(k for k in meta_a.keys() | meta_b.keys() if meta_a.get(k) != meta_b.get(k)))
sys.exit(1 if different else 0)
