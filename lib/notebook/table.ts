import { AntitrainError } from "../base/errors";

/**
 * Options for `new dfd.DataFrame(rows, at.tableConfig(rows))` so danfojs prints every row and column of a results
 * table whole: each column as wide as its longest header or value (danfojs otherwise cuts cells at 16 characters,
 * rows after 10 and columns after 10).
 *
 * @example
 * new dfd.DataFrame(rows, at.tableConfig(rows)).print();
 */
export function tableConfig(rows: readonly Record<string, unknown>[]): { config: Record<string, unknown> } {
  const names = rows.length > 0 ? Object.keys(rows[0]) : [];
  const columns: Record<number, { width: number }> = { 0: { width: Math.max(2, String(rows.length).length) } };
  names.forEach((name, i) => {
    const longest = Math.max(name.length, ...rows.map((r) => String(r[name]).length));
    columns[i + 1] = { width: Math.min(48, longest) };
  });
  return { config: { tableDisplayConfig: { columns }, tableMaxRow: Math.max(10, rows.length), tableMaxColInConsole: Math.max(10, names.length) } };
}

/**
 * Rows as an HTML table for `tslab.display.html`: one column per key of the rows (in first-seen order), every cell
 * whole (no wrapping, no truncation), numbers right-aligned. Renders in Jupyter, in the exported report and on
 * GitHub's notebook view; text is escaped.
 *
 * @example
 * tslab.display.html(at.htmlTable([{ method: "plain", units: 128, accuracy: 0.987 }]));
 */
export function htmlTable(rows: readonly Record<string, unknown>[], options: { caption?: string } = {}): string {
  if (!Array.isArray(rows)) throw new AntitrainError(`htmlTable: rows must be an array of objects, got ${typeof rows}`);
  const names: string[] = [];
  for (const row of rows) {
    if (row === null || typeof row !== "object") throw new AntitrainError(`htmlTable: every row must be an object, got ${JSON.stringify(row)}`);
    for (const k of Object.keys(row)) if (!names.includes(k)) names.push(k);
  }
  const cell = (v: unknown, tag: "td" | "th") => {
    const text = v === undefined || v === null ? "" : String(v);
    const align = typeof v === "number" ? ' style="text-align:right"' : "";
    return `<${tag}${align}>${escapeHtml(text)}</${tag}>`;
  };
  const caption = options.caption === undefined ? "" : `<caption>${escapeHtml(options.caption)}</caption>`;
  const head = `<thead><tr>${names.map((n) => cell(n, "th")).join("")}</tr></thead>`;
  const body = rows.map((r) => `<tr>${names.map((n) => cell(r[n], "td")).join("")}</tr>`).join("");
  return `<table class="antitrain-table" style="white-space:nowrap;border-collapse:collapse">${caption}${head}<tbody>${body}</tbody></table>`;
}

/** Text made safe inside HTML: &, <, > and " escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
