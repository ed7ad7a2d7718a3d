"""Builds a tslab notebook (.ipynb, no outputs) from a plain-text source where each cell starts with a line
`// %% [markdown]` or `// %%` (the "percent" format many editors understand, written as TypeScript comments so the
source type-checks). Markdown lines are written as `// ` comments; blank lines around a cell are dropped. The cell
ids are `NAME-i`, NAME being the output file's name without `.ipynb`.

    python3 scripts/make-notebook.py notebooks/src/00-quickstart.ts notebooks/00-quickstart.ipynb

Every notebook in notebooks/ is generated this way (test/notebook-sources.test.ts checks that none drifts from its
source); scripts/notebook-to-source.py goes the other way.
"""
import json
import sys


def cells_from(text):
    cells, kind, lines = [], None, []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(l[3:] if l.startswith("// ") else ("" if l == "//" else l) for l in body.split("\n"))
        cells.append((kind, body))

    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("// %% [markdown]"):
            flush()
            kind, lines = "markdown", []
        elif line.startswith("// %%"):
            flush()
            kind, lines = "code", []
        elif kind is None and line.strip():
            raise ValueError(
                f"line {number} comes before the first cell: start the file with a `// %%` or `// %% [markdown]` line"
                " (the old `# %%` separator is not read: it is not valid TypeScript)"
            )
        else:
            lines.append(line)
    flush()
    return cells


def notebook(cells, name):
    out = []
    for i, (kind, body) in enumerate(cells):
        src = [l + "\n" for l in body.split("\n")]
        src[-1] = src[-1].rstrip("\n")
        cell = {"cell_type": kind, "id": f"{name}-{i}", "metadata": {}, "source": src}
        if kind == "code":
            cell.update({"execution_count": None, "outputs": []})
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "TypeScript", "language": "typescript", "name": "tslab"},
            "language_info": {"file_extension": ".ts", "mimetype": "text/typescript", "name": "typescript", "version": "5.0"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    name = dst.rsplit("/", 1)[-1].replace(".ipynb", "")
    with open(src, encoding="utf8") as f:
        try:
            nb = notebook(cells_from(f.read()), name)
        except ValueError as e:
            sys.exit(f"{src}: {e}")
    with open(dst + ".tmp", "w", encoding="utf8") as f:
        json.dump(nb, f, indent=1, ensure_ascii=False)
        f.write("\n")
    import os

    os.replace(dst + ".tmp", dst)
