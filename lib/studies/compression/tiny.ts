import type { DataDescription } from "../data";
import { type CompressionSettings, firstOfEachGrid } from "./settings";

/**
 * A study's tiny setting (the contract test's, seconds): its quick settings on `data` with `hidden` units, a few
 * steps of every phase, two pruning widths and one from-scratch width, one setting per grid.
 */
export function tinySettings(quick: CompressionSettings, data: DataDescription, hidden: readonly number[]): CompressionSettings {
  return { ...quick, data, hidden, pretrain: 10, updates: 10, cycle: 5, finetune: 2, keep: [4, 8], scratchKeep: [4], refK: 8, grids: firstOfEachGrid(quick.grids) };
}
