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
