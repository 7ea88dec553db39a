"""A .safetensors reader for machines without the `safetensors` package (Debian has none): the format is an 8-byte
little-endian header length, a JSON header of {name: {dtype, shape, data_offsets}}, then the raw bytes. Gives what
`safetensors.torch.load_file` gives: a dict of torch tensors."""
import json
import struct

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64, "I64": torch.int64}


def load_file(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = bytearray(data[8 + length:])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        chunk = body[begin:end]
        tensors[name] = torch.frombuffer(chunk, dtype=dtype).reshape(entry["shape"]).clone() if end > begin else torch.zeros(entry["shape"], dtype=dtype)
    return tensors
