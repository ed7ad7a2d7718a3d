#!/usr/bin/env python3
"""The best hand-written PyTorch peer of the engine's exact single-unit importance (issue "speed"): the same exact
low-rank computation a user who knows the trick writes by hand, for a 64→W→W→10 ReLU MLP.

  h1  unit j replaced: pre2' = pre2 + d_j w2_jᵀ (rank 1), logits' = relu(pre2') · W3 + b3; chunks of P units are one
      [P, rows, W] broadcast, one ReLU and one batched [P·rows, W]·[W, 10] matmul (P: the fastest of a few
      chunk sizes, chosen on the first 64 units at each thread count)
  h2  unit j replaced: logits' = logits + d_j w3_jᵀ (rank 1), chunks as above

Two peers do that same computation (issue "Speed II"):
  project peer   as written above: every chunk allocates its [P, rows, W] tensor, its logits and its losses anew
  stronger peer  the same arithmetic written into buffers allocated once (`out=`: no allocation, no page faults per
                 chunk), the read-out either a plain addmm (OpenBLAS) or a 1×1 convolution through oneDNN on a
                 channels-last view [1, W, P·rows, 1] of the same buffer (torch.mkldnn_convolution), the cross-entropy
                 as logsumexp − the true class's logit into preallocated buffers, h1's rows optionally in blocks of
                 500 (a chunk's [P, 500, W] stays in cache); the chunk size, read-out and block are the fastest at
                 each thread count, chosen on the first 64 units (h2: 256)
Both are checked against each other and against the engine (max absolute and relative difference per unit).

d_j = draw_j − act_j (the engine's own draws, written by bench/floor.ts), metric: mean cross-entropy. Times each site
at 1 and 2 threads (torch.set_num_threads, and OpenBLAS's own pool set to the same count: Debian's OpenBLAS starts
one thread per core whatever torch is told), medians of REPEATS after a warm-up; also the bare matmul rate on a square
[rows×W]·[W×W] product at each thread count (the floor). Prints one JSON object.

usage: torch_lowrank.py DIR   (DIR holds meta.json and the .bin files written by bench/floor.ts)
"""
import ctypes
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


def openblas():
    """Debian's OpenBLAS (torch's BLAS here), to set its thread pool, or None where torch uses another BLAS."""
    for name in ("libopenblas.so.0", "libopenblas.so"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_num_threads()
            return lib
        except (OSError, AttributeError):
            continue
    return None


def set_threads(threads, blas):
    torch.set_num_threads(threads)
    if blas is not None:
        blas.openblas_set_num_threads(threads)
    return blas.openblas_get_num_threads() if blas is not None else None


def agreement(a, b):
    """Largest absolute and relative difference between two equally long value lists."""
    d = (a.double() - b.double()).abs()
    return float(d.max()), float((d / b.double().abs().clamp_min(1e-30)).max())


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


    # The stronger peer (issue "Speed II"): the same arithmetic as h1_values / h2_values, written into buffers
    # allocated once per call (`out=`), so no chunk allocates or page-faults; the read-out is addmm or a 1×1
    # convolution through oneDNN on a channels-last view of the same [P·rows, W] buffer.
    w3_conv = ws[2].t().contiguous().reshape(c, w_, 1, 1)  # [C, W, 1, 1]: the read-out as a 1×1 convolution

    def readout(z2, readout_kind, out):
        if readout_kind == "addmm":
            return torch.addmm(bs[2], z2, ws[2], out=out)
        # [M, W] row-major (M = P·rows) is the channels-last layout of an NCHW image [1, W, M, 1]: a view, no copy;
        # oneDNN's 1×1 convolution over it was 2× addmm's speed (and F.conv2d on the same view did not reach oneDNN)
        m = z2.shape[0]
        xin = z2.view(1, m, 1, w_).permute(0, 3, 1, 2)
        return torch.mkldnn_convolution(xin, w3_conv, bs[2], (0, 0), (1, 1), (1, 1), 1).permute(0, 2, 3, 1).view(m, c)

    def ce_buffers(chunk, rows=n):
        return torch.empty(chunk * rows), torch.empty(chunk * rows, 1)

    def cross_entropy_sums(logits, p, y_rep, bufs):
        """Cross-entropy summed over rows per unit of [P·m, C] logits: logsumexp − the true class's logit, in bufs."""
        lse_buf, picked_buf = bufs
        m = logits.shape[0]
        lse = torch.logsumexp(logits, 1, out=lse_buf[:m])
        picked = torch.gather(logits, 1, y_rep[:m], out=picked_buf[:m])
        return lse.sub_(picked.view(m)).view(p, m // p).sum(1, dtype=torch.float64)

    def h1_strong(config, units=None):
        # config: units per chunk, read-out, rows per block (blocks of rows keep a chunk's [P, m, W] in cache)
        chunk, readout_kind, block = config
        units = w_ if units is None else units
        a1 = torch.relu(torch.addmm(bs[0], x, ws[0]))
        pre2 = torch.addmm(bs[1], a1, ws[1])
        delta = (draws["h1"] - a1).t().contiguous()  # [W, rows]
        z_buf = torch.empty(chunk * block * w_)
        logits_buf = torch.empty(chunk * block, c)
        bufs = ce_buffers(chunk, block)
        blocks = [(r, min(n, r + block)) for r in range(0, n, block)]
        y_reps = [y[r:e].repeat(chunk).unsqueeze(1) for r, e in blocks]
        pre2_reps = [pre2[r:e].unsqueeze(0).expand(chunk, e - r, w_) for r, e in blocks]
        out = torch.empty(units, dtype=torch.float64)
        for s in range(0, units, chunk):
            e = min(units, s + chunk)
            p = e - s
            total = torch.zeros(p, dtype=torch.float64)
            for i, (r0, r1) in enumerate(blocks):
                m = r1 - r0
                z = z_buf[: p * m * w_].view(p, m, w_)
                torch.addcmul(pre2_reps[i][:p], delta[s:e, r0:r1].unsqueeze(2), ws[1][s:e].unsqueeze(1), out=z)
                torch.relu_(z)
                logits = readout(z.view(p * m, w_), readout_kind, logits_buf[: p * m])
                total += cross_entropy_sums(logits, p, y_reps[i], bufs)
            out[s:e] = total / n
        return out

    def h2_strong(config, units=None):
        chunk = config[0]
        units = w_ if units is None else units
        a2 = torch.relu(torch.addmm(bs[1], torch.relu(torch.addmm(bs[0], x, ws[0])), ws[1]))
        logits = torch.addmm(bs[2], a2, ws[2])
        delta = (draws["h2"] - a2).t().contiguous()
        z_buf = torch.empty(chunk, n, c)
        bufs = ce_buffers(chunk)
        y_rep = y.repeat(chunk).unsqueeze(1)
        logits_rep = logits.unsqueeze(0).expand(chunk, n, c)
        out = torch.empty(units, dtype=torch.float64)
        for s in range(0, units, chunk):
            e = min(units, s + chunk)
            p = e - s
            z = z_buf[:p]
            torch.addcmul(logits_rep[:p], delta[s:e].unsqueeze(2), ws[2][s:e].unsqueeze(1), out=z)
            out[s:e] = cross_entropy_sums(z.view(p * n, c), p, y_rep, bufs) / n
        return out

    blas = openblas()
    res = {"torch": torch.__version__, "threads": {}}
    with torch.inference_mode():
        for threads in meta["threads"]:
            blas_threads = set_threads(threads, blas)
            r = {"blasThreads": blas_threads}
            for site, fn in (("h1", h1_values), ("h2", h2_values)):
                # the best hand-written version: the chunk of units per broadcast that runs fastest here, chosen on
                # the first 64 units (small chunks stay in cache; large ones amortize the per-call overhead)
                probe = {ch: timed(lambda ch=ch: fn(ch, min(w_, 64)), 2)[0] for ch in chunks}
                best = min(probe, key=probe.get)
                wall, cpu, values = timed(lambda: fn(best), repeats)
                r[site] = {"wall": wall, "cpu": cpu, "values": values.tolist(), "chunk": best}
            for site, fn in (("h1", h1_strong), ("h2", h2_strong)):
                # the stronger peer's chunk, read-out and rows per block: the fastest here, on the first 64 units (h1)
                # or 256 (h2, whose chunks go larger); buffers at most 2^24 floats (64 MiB)
                inner = w_ if site == "h1" else c
                probe_units = min(w_, 64 if site == "h1" else 256)
                sizes = [ch for ch in sorted(set(chunks) | {128, 256}) if ch <= probe_units and ch * n * inner <= 1 << 24]
                if site == "h1":
                    configs = [(ch, ro, rb) for ch in sizes for ro in ("addmm", "onednn") for rb in sorted({n, min(n, 500)})]
                else:
                    configs = [(ch, None, n) for ch in sizes]
                probe = {cf: timed(lambda cf=cf: fn(cf, probe_units), 2)[0] for cf in configs}
                best = min(probe, key=probe.get)
                wall, cpu, values = timed(lambda: fn(best), repeats)
                peer = torch.tensor(r[site]["values"], dtype=torch.float64)
                d_abs, d_rel = agreement(values, peer)
                r[f"{site}Strong"] = {"wall": wall, "cpu": cpu, "values": values.tolist(), "chunk": best[0], "readout": best[1], "rowsPerBlock": best[2], "vsPeer": {"abs": d_abs, "rel": d_rel}}
            a = torch.randn(n, w_)
            b = torch.randn(w_, w_)
            wall, cpu, _ = timed(lambda: torch.mm(a, b), max(repeats, 5))
            r["matmul"] = {"shape": [n, w_, w_], "gflopsWall": 2 * n * w_ * w_ / wall / 1e9, "gflopsCpu": 2 * n * w_ * w_ / cpu / 1e9}
            res["threads"][str(threads)] = r
    print(json.dumps(res))


if __name__ == "__main__":
    main()
