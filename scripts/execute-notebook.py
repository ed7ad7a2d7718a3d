"""Executes a notebook with nbconvert's ExecutePreprocessor and the tslab kernel.

    python3 scripts/execute-notebook.py NOTEBOOK.ipynb TIMEOUT_S FAILED_COPY.ipynb > executed.ipynb

Writes the executed notebook to stdout, its code cells numbered (tslab reports execution counts only
in its replies, which nbconvert ignores, so every prompt would read "In [ ]"). The kernel runs in the
notebook's folder. When a cell fails, `nbconvert --execute` says only "<Error>:", because tslab puts the
error in the cell's stderr rather than in the error message; this prints the failing cell's source and
everything it wrote to stderr, saves the partly executed notebook to FAILED_COPY, and exits 1.
Called by render-notebook.js, which writes files atomically and renders the HTML.
"""

import os
import re
import sys

import nbformat
from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_ERROR_LINES = 40  # of the failing cell's stderr: the error is at its end


def number_cells(nb):
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        count += 1
        if cell.get("execution_count") is None:
            cell.execution_count = count
        for out in cell.get("outputs", []):
            if out.output_type == "execute_result" and out.get("execution_count") is None:
                out.execution_count = cell.execution_count


def failure_report(nb, index):
    cell = nb.cells[index]
    lines = []  # the cell's stderr and error outputs, in order
    for out in cell.get("outputs", []):
        if out.output_type == "stream" and out.name == "stderr":
            lines.extend(out.text.rstrip("\n").split("\n"))
        elif out.output_type == "error":
            lines.append(f"{out.ename}: {out.evalue}")
            lines.extend(out.get("traceback", []))
    if len(lines) > MAX_ERROR_LINES:
        lines = [f"[... {len(lines) - MAX_ERROR_LINES} earlier lines]"] + lines[-MAX_ERROR_LINES:]
    head = [f"cell {index + 1} of {len(nb.cells)} failed:", "-" * 60, cell.source, "-" * 60]
    return ANSI.sub("", "\n".join(head + lines))


def main(path, timeout, failed_copy):
    nb = nbformat.read(path, as_version=4)
    ep = ExecutePreprocessor(kernel_name="tslab", timeout=int(timeout), startup_timeout=180, record_timing=False)  # no execution timestamps in committed reports
    current = {}
    ep.on_cell_execute = lambda cell, cell_index: current.update(index=cell_index)
    try:
        ep.preprocess(nb, {"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    except CellExecutionError as err:
        index = current.get("index")
        report = failure_report(nb, index) if index is not None else ANSI.sub("", str(err))
        number_cells(nb)
        tmp = f"{failed_copy}.tmp-{os.getpid()}"
        nbformat.write(nb, tmp)
        os.replace(tmp, failed_copy)
        print(f"{report}\n(the partly executed notebook: {failed_copy})", file=sys.stderr)
        return 1
    number_cells(nb)
    sys.stdout.buffer.write(nbformat.writes(nb).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.stderr.reconfigure(encoding="utf-8", errors="backslashreplace")
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
