#!/usr/bin/env python3
"""PyTorch peers for bench/run.ts: exact per-unit importance of an MLP's hidden layers, two ways.

  loop     one full forward pass per unit, the unit's column replaced by its draw (the plain loop)
  batched  Captum-style batched ablation (LayerFeatureAblation with perturbations_per_eval = P): the input is
           repeated P times, the whole model reruns per batch, copy p has unit u_p replaced at the site

Wall and CPU time (process_time: every thread's CPU) are reported per unit. Both use the exact weights, data and replacement draws written by bench/run.ts, so their per-unit losses must equal
the TypeScript engine's (checked there). Only a subset of units is timed (the full loop takes minutes); the caller
extrapolates linearly. Also reports the bare matmul rate on the model's shapes.

usage: torch_ref.py DIR   (DIR holds meta.json and the .bin files; prints one JSON object)
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


def main():
    d = sys.argv[1]
    meta = json.load(open(os.path.join(d, "meta.json")))
    torch.set_num_threads(meta["threads"])
    widths = [meta["inputs"], *meta["hidden"], meta["classes"]]
    n = meta["examples"]
    ws = [load(d, f"w{i}.bin", np.float32, (widths[i], widths[i + 1])) for i in range(len(widths) - 1)]
    bs = [load(d, f"b{i}.bin", np.float32, (widths[i + 1],)) for i in range(len(widths) - 1)]
    x = load(d, "x.bin", np.float32, (n, meta["inputs"]))
    y = load(d, "y.bin", np.int32, (n,)).long()
    repeats = meta["repeats"]
    per_eval = meta["perturbationsPerEval"]

    def forward(inp, site, edit):
        """Logits; `edit(h)` changes hidden layer `site` (0-based) in place."""
        h = inp
        for i, (w, b) in enumerate(zip(ws, bs)):
            h = torch.addmm(b, h, w)
            if i < len(ws) - 1:
                h = torch.relu(h)
                if i == site:
                    edit(h)
        return h

    def ce(logits, labels):
        return torch.nn.functional.cross_entropy(logits, labels, reduction="none")

    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "sites": {}}
    with torch.inference_mode():
        for s, site in enumerate(meta["sites"]):
            draws = load(d, f"draws_{site}.bin", np.float32, (n, widths[s + 1]))
            units = meta["units"]

            def loop_once():
                vals = []
                for u in units:
                    def edit(h, u=u):
                        h[:, u] = draws[:, u]
                    vals.append(ce(forward(x, s, edit), y).mean().item())
                return vals

            def batched_once():
                vals = []
                xs = x.repeat(per_eval, 1)
                ys = y.repeat(per_eval)
                for start in range(0, len(units), per_eval):
                    group = units[start:start + per_eval]
                    p = len(group)
                    def edit(h, group=group, p=p):
                        hv = h.view(per_eval, n, -1)
                        for i, u in enumerate(group):
                            hv[i, :, u] = draws[:, u]
                    losses = ce(forward(xs, s, edit), ys).view(per_eval, n).mean(1)
                    vals.extend(losses[:p].tolist())
                return vals

            res = {}
            for name, fn in (("loop", loop_once), ("batched", batched_once)):
                fn()  # warm-up
                times, cpu, vals = [], [], None
                for _ in range(repeats):
                    t, c = time.perf_counter(), time.process_time()
                    vals = fn()
                    times.append(time.perf_counter() - t)
                    cpu.append(time.process_time() - c)
                res[name] = {
                    "msPerUnit": 1000 * statistics.median(times) / len(units),
                    "cpuMsPerUnit": 1000 * statistics.median(cpu) / len(units),
                    "times": times,
                    "values": vals,
                }
            out["sites"][site] = res

        # bare matmul rate on the model's biggest shape
        a = torch.randn(n, widths[1])
        b = torch.randn(widths[1], widths[2])
        torch.mm(a, b)
        times, cpu = [], []
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            torch.mm(a, b)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        flop = 2 * n * widths[1] * widths[2]
        out["matmul"] = {
            "shape": [n, widths[1], widths[2]],
            "gflops": flop / statistics.median(times) / 1e9,
            "cpuGflops": flop / statistics.median(cpu) / 1e9,
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
