"""Writes the plain-text source of a notebook: the inverse of make-notebook.py.

Each cell becomes a `// %% [markdown]` or `// %%` line followed by the cell's text (markdown lines as `// `
comments, so the whole file is valid TypeScript), cells separated by a blank line. Outputs, execution counts, cell
ids and notebook metadata are not kept: make-notebook.py regenerates them (no outputs, ids `NAME-i`).

    python3 scripts/notebook-to-source.py notebooks/01-concentration.ipynb notebooks/src/01-concentration.ts

It refuses a notebook that would not come back unchanged from make-notebook.py (a raw cell, a cell that starts or
ends with a blank line, a line that looks like a cell separator) and names the cell. It was used once to give the
notebooks that had only an .ipynb a source; from then on the source is edited and the .ipynb regenerated.
"""
import json
import os
import sys


def cell_text(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def source_from(nb, path):
    parts = []
    for i, cell in enumerate(nb["cells"]):
        kind, body = cell["cell_type"], cell_text(cell)
        where = f"{path}: cell {i} ({kind})"
        if kind not in ("markdown", "code"):
            sys.exit(f"{where}: only markdown and code cells have a source form; turn it into one of those")
        if body != body.strip("\n") or body == "":
            sys.exit(f"{where}: starts or ends with a blank line (or is empty); make-notebook.py strips those")
        lines = body.split("\n")
        if any(line.startswith("// %%") for line in lines):
            sys.exit(f"{where}: a line starts with `// %%`, which make-notebook.py reads as a cell separator")
        if kind == "markdown":
            parts.append("// %% [markdown]\n" + "\n".join("// " + line if line else "//" for line in lines))
        else:
            parts.append("// %%\n" + body)
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf8") as f:
        text = source_from(json.load(f), src)
    with open(dst + ".tmp", "w", encoding="utf8") as f:
        f.write(text)
    os.replace(dst + ".tmp", dst)
