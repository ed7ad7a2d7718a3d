"""Checks that a notebook's cells can be re-run: drives a real tslab kernel (jupyter_client) through the notebook
in its default setting, then, as a researcher does after tweaking a cell, re-runs the cells from the middle one to
the end (a middle cell straight after the last), then every code cell after the first two (hyperparameters,
imports) to the end once more, and compares.

    python3 scripts/rerun-notebook.py NOTEBOOK.ipynb [--timeout S] [--json]

A pass fails when a re-run cell errors (e.g. "Tensor is disposed."), when the kernel holds more tensors after the
second pass than after the first (a re-run leaked), or when a re-run cell prints different numbers than its first
run did (it continued from state a later cell changed, e.g. antitraining an already antitrained model). Durations
("12.3 s", "850 ms", "run time: ...") are ignored in that comparison. Prints one line per problem and exits 1 if
any; with --json prints {"problems": [...], "tensors": [first, second], "cells": N} instead.
"""

import json
import os
import queue
import re
import sys

import nbformat
from jupyter_client.manager import start_new_kernel

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
DURATION = re.compile(r"\d+(\.\d+)?\s*(ms|s|seconds|min)\b|run time: [^\n·]*|\d{4}-\d\d-\d\dT[\d:.]+Z?")
PROBE = 'console.log("__tensors__" + (typeof tf !== "undefined" ? tf : require("@tensorflow/tfjs")).memory().numTensors)'  # the notebook's own tf


def run(kc, code, timeout):
    """Executes code; returns (text output, error or None)."""
    msg_id = kc.execute(code, store_history=True)
    out, error = [], None
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return "".join(out), f"timed out after {timeout} s"
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            if content["name"] == "stderr" and re.search(r"\w*Error\b", content["text"]):
                lines = ANSI.sub("", content["text"]).strip().split("\n")
                error = next((l.strip() for l in lines if re.match(r"\s*\w*Error:", l)), next((l.strip() for l in lines if re.search(r"\w*Error\b", l)), lines[-1]))
            out.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            data = content["data"]
            out.append(data.get("text/plain", "") if "text/html" not in data else re.sub(r"<[^>]+>", " ", data["text/html"])[:20000])
        elif kind == "error":
            error = f'{content["ename"]}: {content["evalue"]}'
        elif kind == "status" and content["execution_state"] == "idle":
            return ANSI.sub("", "".join(out)), error


def normalize(text):
    # Plotly chart ids and bundle text differ between runs; compare what the cell says, not its markup.
    text = re.sub(r"antitrain-chart-\d+-\w+", "chart", text)
    return DURATION.sub("<t>", text).strip()


def tensors(kc, timeout):
    out, err = run(kc, PROBE, timeout)
    m = re.search(r"__tensors__(\d+)", out)
    return int(m.group(1)) if m and err is None else None


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    timeout = int(argv[argv.index("--timeout") + 1]) if "--timeout" in argv else 900
    path = os.path.abspath(args[0])
    nb = nbformat.read(path, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    env = {k: v for k, v in os.environ.items() if k != "FULL"}
    km, kc = start_new_kernel(kernel_name="tslab", cwd=os.path.dirname(path), env=env, startup_timeout=180)
    problems = []
    try:
        first = []
        for i, src in enumerate(cells):
            out, err = run(kc, src, timeout)
            if err:
                problems.append(f"cell {i + 1} failed on the first run: {err}")
                break
            first.append(normalize(out))
        before = tensors(kc, timeout) if not problems else None
        counts = [before]
        after = None
        if not problems:
            middle = max(2, len(cells) // 2)
            for start in (middle, 2):
                for i in range(start, len(cells)):
                    out, err = run(kc, cells[i], timeout)
                    if err:
                        problems.append(f"cell {i + 1} failed when re-run (re-running from cell {start + 1}): {err}")
                        break
                    if normalize(out) != first[i]:
                        a, b = first[i].split("\n"), normalize(out).split("\n")
                        diff = next(((x, y) for x, y in zip(a, b) if x != y), (f"{len(a)} lines", f"{len(b)} lines"))
                        problems.append(f"cell {i + 1} printed something else when re-run from cell {start + 1}: {diff[0][:160]!r} -> {diff[1][:160]!r}")
                if problems and "failed" in problems[-1]:
                    break  # the kernel's state is broken: what follows would only repeat the failure
                counts.append(tensors(kc, timeout))
            if problems and "failed" in problems[-1]:
                pass
            elif None in counts:
                problems.append("could not read tf.memory().numTensors from the kernel")
            elif len(set(counts)) > 1:
                problems.append(f"re-running cells leaked tensors: {counts[0]} held after the first run, then {', '.join(map(str, counts[1:]))} after each re-run")
        after = counts[-1]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    if "--json" in argv:
        print(json.dumps({"problems": problems, "tensors": counts if not problems else [before, after], "cells": len(cells)}))
    else:
        for p in problems:
            print(p)
        if not problems:
            print(f"ok: {len(cells)} code cells re-ran cleanly from the middle and from the start; {before} tensors held after each pass")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
