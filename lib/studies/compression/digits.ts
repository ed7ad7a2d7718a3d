/** Notebook 04's study: the compression study on the digits, every structured-pruning baseline against antitraining. */
import type { MethodSettings } from "../compression-arms";
import { STUDY_ARMS } from "../compression-study";
import { type CompressionStudy, compressionStudy } from "./factory";
import { antitrainL9 } from "./grids";
import { type CompressionSettings, firstOfEachGrid } from "./settings";
import { tinySettings } from "./tiny";

/**
 * Antitraining's nine settings ({@link antitrainL9}): the antitrained share (0.5, 0.3, 0.7), the cycle between core
 * measurements (100, 50, 200 training steps), antitrain steps per training step (1, 2, 3: the update budget split
 * 1 : 1, 1 : 2 or 1 : 3) and the antitrain steps' Adam rate (1e-3, 3e-4, 3e-3). The first is the quick setting
 * (notebook 04's first run's settings).
 */
const ANTITRAIN_L9 = antitrainL9({ fraction: [0.5, 0.3, 0.7], cycle: [100, 50, 200], antiSteps: [1, 2, 3], antiLearningRate: [1e-3, 3e-4, 3e-3] });

/**
 * Notebook 04's grids, per tuned method (the first entry is the quick setting): nine settings each, antitraining's
 * four knobs jointly ({@link ANTITRAIN_L9}), every baseline's knob over a log-spaced range that reaches past the
 * values chosen when it had fewer settings (activation L1 then chose the edge of its range, 0.1).
 */
export const DIGITS_COMPRESSION_GRIDS: Readonly<Record<string, readonly MethodSettings[]>> = {
  antitrain: ANTITRAIN_L9,
  "group-lasso": [1e-3, 1e-4, 3e-4, 3e-3, 1e-2, 3e-2, 1e-1, 3e-5, 3e-1].map((lambda) => ({ lambda })),
  slimming: [1e-3, 1e-4, 1e-2, 3e-2, 1e-1, 3e-1, 3e-4, 3e-3, 1].map((lambda) => ({ lambda })),
  "activation-l1": [1e-3, 1e-4, 1e-2, 3e-2, 1e-1, 3e-4, 3e-3, 3e-1, 1].map((lambda) => ({ lambda })),
  "targeted-dropout": [0.5, 0.75, 0.9].flatMap((rate) => [0.5, 0.75, 0.9].map((targetFraction) => ({ targetFraction, rate }))),
  "nested-dropout": [0.03, 0.01, 0.05, 0.1, 0.003, 0.005, 0.02, 0.07, 0.2].map((p) => ({ p })),
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
