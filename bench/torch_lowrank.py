#!/usr/bin/env python3
"""The best hand-written PyTorch peer of the engine's exact single-unit importance (issue "speed"): the same exact
low-rank computation a user who knows the trick writes by hand, for a 64→W→W→10 ReLU MLP.

  h1  unit j replaced: pre2' = pre2 + d_j w2_jᵀ (rank 1), logits' = relu(pre2') · W3 + b3; chunks of P units are one
      [P, rows, W] broadcast, one ReLU and one batched [P·rows, W]·[W, 10] matmul (P: the fastest of a few
      chunk sizes, chosen on the first 64 units at each thread count)
  h2  unit j replaced: logits' = logits + d_j w3_jᵀ (rank 1), chunks as above

d_j = draw_j − act_j (the engine's own draws, written by bench/floor.ts), metric: mean cross-entropy. Times each site
at 1 and 2 threads (torch.set_num_threads), medians of REPEATS after a warm-up; also the bare matmul rate on a square
[rows×W]·[W×W] product at each thread count (the floor). Prints one JSON object.

usage: torch_lowrank.py DIR   (DIR holds meta.json and the .bin files written by bench/floor.ts)
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import torch


def load(d, name, dtype, shape):
    return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype=dtype).reshape(shape))


def timed(fn, repeats):
    fn()
    walls, cpus = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - t)
    return statistics.median(walls), statistics.median(cpus), out


def main():
    d = sys.argv[1]
    meta = json.load(open(os.path.join(d, "meta.json")))
    w_ = meta["width"]
    n = meta["rows"]
    c = meta["classes"]
    chunks = meta["chunks"]
    repeats = meta["repeats"]
    widths = [meta["inputs"], w_, w_, c]
    ws = [load(d, f"w{i}.bin", np.float32, (widths[i], widths[i + 1])) for i in range(3)]
    bs = [load(d, f"b{i}.bin", np.float32, (widths[i + 1],)) for i in range(3)]
    x = load(d, "x.bin", np.float32, (n, meta["inputs"]))
    y = load(d, "y.bin", np.int32, (n,)).long()
    draws = {s: load(d, f"draws_{s}.bin", np.float32, (n, w_)) for s in ("h1", "h2")}

    def h1_values(chunk, units=None):
        units = w_ if units is None else units
        a1 = torch.relu(torch.addmm(bs[0], x, ws[0]))
        pre2 = torch.addmm(bs[1], a1, ws[1])
        delta = (draws["h1"] - a1).t().contiguous()  # [W, rows]
        out = torch.empty(units, dtype=torch.float64)
        for s in range(0, units, chunk):
            e = min(units, s + chunk)
            p = e - s
            # [P, rows, W]: addcmul writes the rank-1 shifts in one pass (a separate multiply and add took 10× longer)
            z = torch.addcmul(pre2.unsqueeze(0).expand(p, n, w_), delta[s:e].unsqueeze(2), ws[1][s:e].unsqueeze(1))
            torch.relu_(z)
            logits = torch.addmm(bs[2], z.reshape(p * n, w_), ws[2])
            ce = torch.nn.functional.cross_entropy(logits, y.repeat(p), reduction="none").reshape(p, n).mean(1)
            out[s:e] = ce.double()
        return out

    def h2_values(chunk, units=None):
        units = w_ if units is None else units
        a2 = torch.relu(torch.addmm(bs[1], torch.relu(torch.addmm(bs[0], x, ws[0])), ws[1]))
        logits = torch.addmm(bs[2], a2, ws[2])
        delta = (draws["h2"] - a2).t().contiguous()
        out = torch.empty(units, dtype=torch.float64)
        for s in range(0, units, chunk):
            e = min(units, s + chunk)
            p = e - s
            z = torch.addcmul(logits.unsqueeze(0).expand(p, n, c), delta[s:e].unsqueeze(2), ws[2][s:e].unsqueeze(1))  # [P, rows, C]
            ce = torch.nn.functional.cross_entropy(z.reshape(p * n, c), y.repeat(p), reduction="none").reshape(p, n).mean(1)
            out[s:e] = ce.double()
        return out

    res = {"torch": torch.__version__, "threads": {}}
    with torch.inference_mode():
        for threads in meta["threads"]:
            torch.set_num_threads(threads)
            r = {}
            for site, fn in (("h1", h1_values), ("h2", h2_values)):
                # the best hand-written version: the chunk of units per broadcast that runs fastest here, chosen on
                # the first 64 units (small chunks stay in cache; large ones amortize the per-call overhead)
                probe = {ch: timed(lambda ch=ch: fn(ch, min(w_, 64)), 2)[0] for ch in chunks}
                best = min(probe, key=probe.get)
                wall, cpu, values = timed(lambda: fn(best), repeats)
                r[site] = {"wall": wall, "cpu": cpu, "values": values.tolist(), "chunk": best}
            a = torch.randn(n, w_)
            b = torch.randn(w_, w_)
            wall, cpu, _ = timed(lambda: torch.mm(a, b), max(repeats, 5))
            r["matmul"] = {"shape": [n, w_, w_], "gflopsWall": 2 * n * w_ * w_ / wall / 1e9, "gflopsCpu": 2 * n * w_ * w_ / cpu / 1e9}
            res["threads"][str(threads)] = r
    print(json.dumps(res))


if __name__ == "__main__":
    main()
