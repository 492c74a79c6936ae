#!/usr/bin/python3
"""Reference fixtures for io.ser4j.model.safetensors (the `safetensors` Python package is not
installed here, so the format is written by hand, following the Hugging Face library's layout:
8-byte little-endian header length, compact JSON header with __metadata__ first and tensors sorted by
dtype (the Rust enum order, descending) then name, header padded with spaces to a multiple of 8,
tensors tiling the data region). torch 1.13 produces the F16/BF16 bit patterns and the widened float32
values. Writes, under ser-model/src/test/resources/fixtures/safetensors/:
  reference.safetensors, reference_expected.json  one file holding every dtype, scalars, empty tensors
  narrowing.json                                   float32 -> F16/BF16 bit patterns (torch, RNE)
  sharded/                                         a two-shard checkpoint with model.safetensors.index.json
Run: /usr/bin/python3 tools/reference/safetensors_reference.py
"""
import json, os, struct
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "ser-model", "src", "test", "resources", "fixtures", "safetensors")
# the Rust library's Dtype enum order; files are laid out by descending dtype, then name
RUST_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32",
              "F32", "F64", "I64", "U64"]
DTYPE = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
         torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
         torch.uint8: "U8", torch.bool: "BOOL"}


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    a = t.numpy()
    return a.astype(a.dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-RUST_ORDER.index(DTYPE[kv[1].dtype]), kv[0]))
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in items:
        b = raw_bytes(t)
        header[name] = {"dtype": DTYPE[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def f32_bits(t):
    return t.float().reshape(-1).view(torch.int32).tolist()


def expected(tensors):
    out = {}
    for name, t in tensors.items():
        e = {"dtype": DTYPE[t.dtype], "shape": list(t.shape)}
        if t.is_floating_point():
            e["f32_bits"] = f32_bits(t)          # torch's widening to float32, as raw bits
            if t.dtype in (torch.float16, torch.bfloat16):
                e["bits16"] = t.reshape(-1).view(torch.int16).tolist()
        else:
            e["values"] = t.reshape(-1).long().tolist()
        out[name] = e
    return out


def main():
    torch.manual_seed(1234)
    inf, nan = float("inf"), float("nan")
    t = {
        "f32.matrix": torch.randn(3, 4),
        "f32.scalar": torch.tensor(3.25),
        "f32.empty": torch.zeros(0, 5),
        "f16.specials": torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, inf, -inf, nan,
                                      6.103515625e-05, 5.960464477539063e-08, 3.0e-5, 0.1, 1e5],
                                     dtype=torch.float32).to(torch.float16),
        "f16.random": (torch.randn(4, 8) * 10).to(torch.float16),
        "bf16.specials": torch.tensor([0.0, -0.0, 1.0, 3.3895313892515355e38, inf, -inf, nan, 1e-40,
                                       0.1, -7.5], dtype=torch.float32).to(torch.bfloat16),
        "bf16.random": torch.randn(2, 3, 4).to(torch.bfloat16),
        "f64.vec": torch.tensor([1.0 / 3.0, -1e300, 1e-300, 2.5, -0.0], dtype=torch.float64),
        "i64.vec": torch.tensor([0, -1, 2 ** 62, -(2 ** 62) - 5], dtype=torch.int64),
        "i64.empty": torch.zeros(0, dtype=torch.int64),
        "i32.vec": torch.tensor([7, -2147483648, 2147483647], dtype=torch.int32),
        "i16.vec": torch.tensor([-32768, 12345, 32767], dtype=torch.int16),
        "i8.vec": torch.tensor([-128, -1, 0, 127], dtype=torch.int8),
        "u8.vec": torch.tensor([0, 1, 200, 255], dtype=torch.uint8),
        "bool.vec": torch.tensor([True, False, False, True]),
    }
    os.makedirs(OUT, exist_ok=True)
    meta = {"format": "pt", "producer": "tools/reference/safetensors_reference.py"}
    write_safetensors(os.path.join(OUT, "reference.safetensors"), t, meta)
    with open(os.path.join(OUT, "reference_expected.json"), "w") as f:
        json.dump({"metadata": meta, "tensors": expected(t)}, f, indent=1)

    # float32 -> F16 / BF16 narrowing by torch (round to nearest, ties to even)
    rng = np.random.default_rng(7)
    xs = [np.float32(v) for v in [0.0, -0.0, 1.0, 65504.0, 65519.99, 65520.0, 1e6, -1e6, 5.9604645e-08,
                                  2.9802322e-08, 2.9802326e-08, 1e-9, 1.4e-45, 3.4028235e38, 1e-40]]
    for scale in [1e-8, 1e-6, 1e-4, 1e-2, 1.0, 1e2, 1e4, 1e5, 1e38]:
        xs += list((rng.standard_normal(300) * scale).astype(np.float32))
    halves = rng.integers(0, 0x7bff, 600).astype(np.uint16)          # finite positive halves
    a = halves.view(np.float16).astype(np.float64)
    b = (halves + 1).view(np.float16).astype(np.float64)
    mids = ((a + b) / 2).astype(np.float32)                             # exact ties for F16
    xs += list(mids) + list(-mids)
    bfb = rng.integers(0, 0x7f7f, 600).astype(np.uint32)
    xs += list(((bfb << 16) | 0x8000).view(np.float32))                 # exact ties for BF16
    xs += list(((bfb << 16) | 0x7fff).view(np.float32))
    xs += list(((bfb << 16) | 0x8001).view(np.float32))
    x = torch.tensor(np.array(xs, dtype=np.float32))
    narrowing = {
        "f32_bits": x.view(torch.int32).tolist(),
        "f16_bits": x.to(torch.float16).view(torch.int16).tolist(),
        "bf16_bits": x.to(torch.bfloat16).view(torch.int16).tolist(),
    }
    with open(os.path.join(OUT, "narrowing.json"), "w") as f:
        json.dump(narrowing, f)

    # a two-shard checkpoint, Hugging Face layout
    sd = os.path.join(OUT, "sharded")
    os.makedirs(sd, exist_ok=True)
    s1 = {"embed.weight": torch.randn(4, 3).to(torch.bfloat16), "layers.0.w": torch.randn(3, 3)}
    s2 = {"layers.1.w": torch.randn(3, 3).to(torch.float16), "head.bias": torch.randn(2)}
    names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    write_safetensors(os.path.join(sd, names[0]), s1, {"format": "pt"})
    write_safetensors(os.path.join(sd, names[1]), s2, {"format": "pt"})
    wm = {k: names[0] for k in s1}
    wm.update({k: names[1] for k in s2})
    total = sum(len(raw_bytes(v)) for v in list(s1.values()) + list(s2.values()))
    with open(os.path.join(sd, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(wm.items()))}, f, indent=2)
    with open(os.path.join(sd, "expected.json"), "w") as f:
        json.dump(expected({**s1, **s2}), f, indent=1)


if __name__ == "__main__":
    main()
