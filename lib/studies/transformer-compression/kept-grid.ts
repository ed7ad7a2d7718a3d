/**
 * Units kept at which notebook 10 measures a site: every count up to 8 units, else 0, 1, 2, 4, 6, 8, 12, 16, 24,
 * 32, 48, 64, 96, 128 (those below the width) and the full width.
 *
 * @example
 * keptGrid(4);    // [0, 1, 2, 3, 4]
 * keptGrid(32);   // [0, 1, 2, 4, 6, 8, 12, 16, 24, 32]
 */
export function keptGrid(units: number): number[] {
  return units <= 8
    ? Array.from({ length: units + 1 }, (_, k) => k)
    : [...new Set([0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128].filter((k) => k <= units).concat([units]))];
}
