/** Notebook 04's study: the compression study on the digits, every structured-pruning baseline against antitraining. */
import type { MethodSettings } from "../compression-arms";
import { STUDY_ARMS } from "../compression-study";
import { type CompressionStudy, compressionStudy } from "./factory";
import { type CompressionSettings, firstOfEachGrid } from "./settings";
import { tinySettings } from "./tiny";

/** Notebook 04's grids, per tuned method (the first entry is the quick setting). */
export const DIGITS_COMPRESSION_GRIDS: Readonly<Record<string, readonly MethodSettings[]>> = {
  antitrain: [{ fraction: 0.5 }, { fraction: 0.3 }, { fraction: 0.7 }],
  "group-lasso": [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 3e-4 }, { lambda: 3e-3 }, { lambda: 1e-2 }, { lambda: 3e-2 }, { lambda: 1e-1 }],
  slimming: [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 1e-2 }, { lambda: 3e-2 }, { lambda: 1e-1 }, { lambda: 3e-1 }],
  "activation-l1": [{ lambda: 1e-3 }, { lambda: 1e-4 }, { lambda: 1e-2 }, { lambda: 3e-2 }, { lambda: 1e-1 }],
  "targeted-dropout": [
    { targetFraction: 0.5, rate: 0.5 },
    { targetFraction: 0.75, rate: 0.5 },
    { targetFraction: 0.5, rate: 0.9 },
    { targetFraction: 0.75, rate: 0.9 },
    { targetFraction: 0.9, rate: 0.5 },
    { targetFraction: 0.9, rate: 0.9 },
  ],
  "nested-dropout": [{ p: 0.03 }, { p: 0.01 }, { p: 0.05 }, { p: 0.1 }],
};

/** The full run: digits (1078 train / 269 validation / 450 test), a 64→128→10 MLP, 600 + 1600 steps, 12 widths. */
const full: CompressionSettings = {
  data: { dataset: "digits", validation: 0.2 },
  hidden: [128],
  site: "h1",
  pretrain: 600,
  updates: 1600,
  cycle: 100,
  finetune: 100,
  keep: [2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64],
  scratchKeep: [4, 8, 12, 16, 24, 32, 48],
  tolerance: 0.01,
  refK: 16,
  arms: STUDY_ARMS,
  grids: DIGITS_COMPRESSION_GRIDS,
};

/** The quick run: shorter budgets, five widths, the first setting of each grid (nothing tuned). */
const quick: CompressionSettings = {
  ...full,
  pretrain: 300,
  updates: 300,
  finetune: 40,
  keep: [4, 8, 16, 32, 64],
  scratchKeep: [8, 32],
  grids: firstOfEachGrid(DIGITS_COMPRESSION_GRIDS),
};

/**
 * Notebook 04: does antitraining give a smaller layer at the dense model's accuracy than the structured-pruning
 * baselines, at the same update budget, with every knob chosen on validation data?
 *
 * @example
 * const run = await st.runStudy(st.digitsCompression, st.digitsCompression.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export const digitsCompression: CompressionStudy = compressionStudy({
  name: "04-compression",
  question:
    "Does antitraining give a smaller layer at the dense model's accuracy than the structured-pruning baselines (group lasso, network slimming, activation L1, targeted and nested dropout, iterative magnitude pruning, a small network from scratch) at the same update budget?",
  claim: "antitraining needs fewer units within 1 point of the dense model than every other arm",
  settings: { full, quick, tiny: tinySettings(quick, { dataset: "digits", validation: 0.2, trainLimit: 200 }, [16]) },
});
