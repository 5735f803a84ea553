#!/usr/bin/python3
"""The safetensors files nabla writes have the standard layout, and nabla reads
files laid out the standard way, checked with nothing but json and struct.

    safetensors_layout.py ST_TOOL      (ST_TOOL: the tests/st_tool program)

The layout (https://github.com/huggingface/safetensors): 8 bytes of header
length N (u64, little-endian), N bytes of JSON starting with '{' (padding:
spaces), then the raw little-endian tensor bytes; each header entry gives
dtype, shape and data_offsets [begin, end) relative to the end of the header,
and the entries tile the data exactly.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

FORMATS = {"F32": "f", "F64": "d", "I32": "i", "I64": "q", "BOOL": "?"}
SIZES = {"F32": 4, "F64": 8, "I32": 4, "I64": 8, "BOOL": 1}


def parse(path):
    """Reads a file by the spec alone; returns (tensors {name: (dtype, shape, values)}, metadata)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = raw[8:8 + n].decode("utf-8")
    assert header.startswith("{"), "header must start with '{'"
    assert header.rstrip(" ") == header.rstrip(), "padding must be spaces"
    meta = json.loads(header)
    data = raw[8 + n:]
    metadata = meta.pop("__metadata__", {})
    assert all(isinstance(v, str) for v in metadata.values()), "metadata values must be strings"
    tensors, spans = {}, []
    for name, e in meta.items():
        assert set(e) == {"dtype", "shape", "data_offsets"}, e
        begin, end = e["data_offsets"]
        count = 1
        for s in e["shape"]:
            count *= s
        assert end - begin == count * SIZES[e["dtype"]], name
        values = list(struct.unpack("<%d%s" % (count, FORMATS[e["dtype"]]), data[begin:end]))
        tensors[name] = (e["dtype"], e["shape"], values)
        spans.append((begin, end))
    at = 0
    for begin, end in sorted(spans):
        assert begin == at, "tensors must tile the data without gaps"
        at = end
    assert at == len(data), "no bytes may follow the last tensor"
    return tensors, metadata


def check_nabla_writes(tool, folder):
    path = os.path.join(folder, "from_nabla.safetensors")
    subprocess.run([tool, "write", path], check=True)
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
    assert n % 8 == 0, "nabla pads the header to 8 bytes"
    tensors, metadata = parse(path)
    want = {
        "f32": ("F32", [2, 3], [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]),
        "f64": ("F64", [3], [1.0 / 3, -2.5, 1e300]),
        "i32": ("I32", [2], [-7, 2147483647]),
        "i64": ("I64", [2], [-9007199254740993, 5]),
        "bool": ("BOOL", [3], [True, False, True]),
        "scalar": ("F64", [], [3.25]),
    }
    assert tensors == want, tensors
    assert metadata == {"framework": "nabla", "config": "{\"a\": 1}"}, metadata
    assert json.loads(metadata["config"]) == {"a": 1}


def write_standard(path, tensors, metadata):
    """As the reference writer does: entries sorted by dtype size (largest
    first) then name, data in that order, header padded with spaces to 8."""
    order = sorted(tensors, key=lambda k: (-SIZES[tensors[k][0]], k))
    header, blobs, at = {"__metadata__": metadata}, [], 0
    for name in order:
        dtype, shape, values = tensors[name]
        blob = struct.pack("<%d%s" % (len(values), FORMATS[dtype]), *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [at, at + len(blob)]}
        blobs.append(blob)
        at += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def check_nabla_reads(tool, folder):
    path = os.path.join(folder, "standard.safetensors")
    tensors = {
        "embed.weight": ("F32", [2, 2], [0.25, -1.0, 3.5, 8.0]),
        "counts": ("I64", [3], [1, -2, 2 ** 62]),
        "flags": ("BOOL", [2], [False, True]),
        "empty": ("F64", [0, 3], []),
    }
    write_standard(path, tensors, {"format": "pt"})
    out = subprocess.run([tool, "read", path], check=True, capture_output=True, text=True).stdout.split("\n")
    got = {}
    for line in filter(None, out):
        parts = line.split(" ")
        if parts[0] == "meta":
            assert parts[1:] == ["format", "pt"], line
            continue
        got[parts[0]] = (parts[1], parts[2], parts[3:])
    names = {"F32": "f32", "F64": "f64", "I64": "i64", "BOOL": "bool"}
    for name, (dtype, shape, values) in tensors.items():
        want_shape = "[" + ",".join(map(str, shape)) + "]"
        want_values = [repr(float(v)) if dtype in ("F32", "F64") else str(int(v)) for v in values]
        g = got[name]
        assert g[0] == names[dtype] and g[1] == want_shape, (name, g)
        assert [repr(float(v)) if dtype in ("F32", "F64") else v for v in g[2]] == want_values, (name, g)


def main():
    tool = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        check_nabla_writes(tool, folder)
        check_nabla_reads(tool, folder)
    print("safetensors layout: nabla writes and reads the standard layout")


if __name__ == "__main__":
    main()
