/**
 * The settings of the schedules study (notebook 05): digits with a validation split, a one-hidden-layer MLP
 * pretrained plainly, then the same number of optimizer updates under every arm (antitrain steps counted), and the
 * grids of each tuned arm's knobs (the same number of configurations per arm). Plain JSON, checked by
 * {@link checkSchedulesSettings}.
 */
import { type Schedule, cyclic, interleaved } from "../../antitrain/schedule";
import { AntitrainError } from "../../base/errors";
import { requireFraction, requireKnownKeys, requirePositiveInt } from "../../base/validate";
import { type DataDescription, STUDY_DATASETS } from "../data";
import type { StudySize } from "../study";

/** The arms compared, in table order: plain training, the two antitraining schedules and the published peer. */
export const SCHEDULES = ["plain", "interleaved", "cyclic", "group lasso"] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** The arms whose knobs are tuned (plain training has none). */
export const SCHEDULE_TUNED_ARMS = ["interleaved", "cyclic", "group lasso"] as const;
export type ScheduleTunedArm = (typeof SCHEDULE_TUNED_ARMS)[number];

/** Interleaved antitraining: `antiSteps` antitrain steps after every training step, the core re-measured every `cycle` training steps. */
export interface InterleavedKnobs {
  readonly antiSteps: number;
  readonly cycle: number;
}

/** Cyclic antitraining: phases of `train` training steps, each followed by (a re-measurement and) `anti` antitrain steps. */
export interface CyclicKnobs {
  readonly train: number;
  readonly anti: number;
}

/** Group lasso on the layer's units (one group per unit: its incoming and outgoing weights and its bias). */
export interface PenaltyKnobs {
  readonly lambda: number;
}

/** One arm's knobs (plain: none). */
export type ArmKnobs = InterleavedKnobs | CyclicKnobs | PenaltyKnobs | null;

/** Each tuned arm's grid (every grid the same length). */
export interface SchedulesGrids {
  readonly interleaved: readonly InterleavedKnobs[];
  readonly cyclic: readonly CyclicKnobs[];
  readonly "group lasso": readonly PenaltyKnobs[];
}

/** The knobs every study seed uses, one per tuned arm. */
export interface SchedulesChoice {
  readonly interleaved: InterleavedKnobs;
  readonly cyclic: CyclicKnobs;
  readonly "group lasso": PenaltyKnobs;
}

/** Everything one run of the study needs (plain JSON). */
export interface SchedulesSettings {
  /** The data, with a `validation` share (every choice is made there; the test split only for the final table). */
  readonly data: DataDescription;
  /** Units of the one hidden layer `h1`. */
  readonly hidden: number;
  /** Plain Adam steps before the arms start. */
  readonly pretrain: number;
  /** Optimizer updates after pretraining, the same for every arm: training steps plus antitrain steps. */
  readonly updates: number;
  /** The antitrained core's share of the damage (both schedules). */
  readonly fraction: number;
  /** The reported core's share of the damage (the headline: the 95% core). */
  readonly reportFraction: number;
  /** A configuration "holds accuracy" when its mean validation accuracy is within `tolerance` of plain training's. */
  readonly tolerance: number;
  readonly grids: SchedulesGrids;
}

const KEYS = ["data", "hidden", "pretrain", "updates", "fraction", "reportFraction", "tolerance", "grids"];

/**
 * Every pairing of `a`'s levels with `b`'s (a 3 × 3 grid when each has three), `a` varying slowest; the first entry
 * pairs the first levels (the quick setting).
 *
 * @example
 * crossLevels([1, 2], [100, 50], (antiSteps, cycle) => ({ antiSteps, cycle }));
 * // [{ antiSteps: 1, cycle: 100 }, { antiSteps: 1, cycle: 50 }, { antiSteps: 2, cycle: 100 }, { antiSteps: 2, cycle: 50 }]
 */
function crossLevels<K>(a: readonly number[], b: readonly number[], make: (a: number, b: number) => K): K[] {
  return a.flatMap((x) => b.map((y) => make(x, y)));
}

/**
 * The full run's grids: nine configurations per tuned arm, the first entry of each the quick setting (and the first
 * of the earlier four-entry grids).
 * - interleaved: antitrain steps per training step {1, 2, 3} × core re-measured every {100, 50, 200} training steps,
 *   jointly (3 × 3; the earlier grid's four configurations are among them);
 * - cyclic: phase length (train + anti updates) {400, 100, 200} × train:anti ratio {1:1, 3:1, 1:3}, jointly (3 × 3
 *   over train and anti reparametrized: three train lengths crossed with three anti lengths give nine sums that all
 *   divide 3600 updates only for irregular lengths, e.g. train {20, 80, 440} × anti {10, 160, 280}). It holds three
 *   of the earlier grid's four configurations, (200, 200), (100, 100) and (300, 100), not (200, 100);
 * - group lasso: λ on nine log-spaced values (half decades, 1-3-10) from 1e-5 to 1e-1, spanning the earlier grid
 *   (1e-4 to 3e-2) and beyond it on both sides, 1e-3 first.
 */
export const SCHEDULES_GRIDS: SchedulesGrids = {
  interleaved: crossLevels([1, 2, 3], [100, 50, 200], (antiSteps, cycle) => ({ antiSteps, cycle })),
  cyclic: crossLevels([400, 100, 200], [1 / 2, 3 / 4, 1 / 4], (phase, trainShare) => ({ train: phase * trainShare, anti: phase * (1 - trainShare) })),
  "group lasso": [1e-3, 1e-5, 3e-5, 1e-4, 3e-4, 3e-3, 1e-2, 3e-2, 1e-1].map((lambda) => ({ lambda })),
};

/** Each grid cut to its first entry (the quick setting: nothing tuned). */
function firstOfEach(grids: SchedulesGrids): SchedulesGrids {
  return { interleaved: grids.interleaved.slice(0, 1), cyclic: grids.cyclic.slice(0, 1), "group lasso": grids["group lasso"].slice(0, 1) };
}

/**
 * The named settings: `full` (600 pretraining steps, then 3600 updates per arm, nine configurations per tuned arm),
 * `quick` (150 + 800 updates, each grid's first entry: nothing tuned; the notebook's default) and `tiny` (the contract
 * test: 300 digits rows, 16 units, 20 + 24 updates, two configurations per tuned arm).
 *
 * @example
 * schedulesSettings("full").updates;   // 3600
 */
export function schedulesSettings(size: StudySize): SchedulesSettings {
  const base = { data: { dataset: "digits" as const, validation: 0.2 }, hidden: 128, fraction: 0.5, reportFraction: 0.95, tolerance: 0.01 };
  switch (size) {
    case "full":
      return structuredClone({ ...base, pretrain: 600, updates: 3600, grids: SCHEDULES_GRIDS });
    case "quick":
      return structuredClone({ ...base, pretrain: 150, updates: 800, grids: firstOfEach(SCHEDULES_GRIDS) });
    case "tiny":
      return {
        ...base,
        data: { dataset: "digits", validation: 0.2, trainLimit: 300 },
        hidden: 16,
        pretrain: 20,
        updates: 24,
        grids: { interleaved: [{ antiSteps: 1, cycle: 5 }, { antiSteps: 2, cycle: 4 }], cyclic: [{ train: 6, anti: 6 }, { train: 4, anti: 2 }], "group lasso": [{ lambda: 1e-3 }, { lambda: 1e-2 }] },
      };
    default:
      throw new AntitrainError(`unknown study size ${JSON.stringify(size)}: use "tiny", "quick" or "full"`);
  }
}

/**
 * Throws an AntitrainError naming the fix when the settings cannot be run: unknown keys, data without a validation
 * share, bad sizes or fractions, grids of different lengths (every tuned arm gets the same number of
 * configurations), or a configuration that cannot spend exactly `updates` optimizer updates.
 *
 * @example
 * checkSchedulesSettings({ ...schedulesSettings("quick"), updates: 0 });   // throws: updates must be a positive integer
 */
export function checkSchedulesSettings(s: SchedulesSettings): void {
  requireKnownKeys(s, KEYS, "schedules settings");
  const data = s.data as { dataset?: unknown; validation?: unknown } | null;
  if (data === null || typeof data !== "object" || !(STUDY_DATASETS as readonly unknown[]).includes(data.dataset)) {
    throw new AntitrainError(`schedules settings: data must describe a data set, e.g. { dataset: "digits", validation: 0.2 }, got ${JSON.stringify(s.data)}`);
  }
  if (!(typeof data.validation === "number" && data.validation > 0 && data.validation < 1)) {
    throw new AntitrainError("schedules settings: every choice is made on validation data, so data needs a validation share in (0, 1), e.g. { dataset: \"digits\", validation: 0.2 }");
  }
  for (const key of ["hidden", "updates"] as const) requirePositiveInt(s[key], key);
  if (!(Number.isInteger(s.pretrain) && s.pretrain >= 0)) throw new AntitrainError(`schedules settings: pretrain must be a whole number ≥ 0, got ${s.pretrain}`);
  requireFraction(s.fraction, "fraction");
  requireFraction(s.reportFraction, "reportFraction");
  if (!(typeof s.tolerance === "number" && s.tolerance >= 0 && s.tolerance < 1)) throw new AntitrainError(`schedules settings: tolerance must be in [0, 1), e.g. 0.01 for one point of accuracy, got ${s.tolerance}`);
  checkGrids(s.grids, s.updates);
}

function checkGrids(grids: SchedulesGrids, updates: number): void {
  if (grids === null || typeof grids !== "object") throw new AntitrainError(`schedules settings: grids must list each tuned arm's configurations, e.g. ${JSON.stringify(SCHEDULES_GRIDS).slice(0, 80)}…`);
  requireKnownKeys(grids, SCHEDULE_TUNED_ARMS, "schedules settings' grids");
  for (const arm of SCHEDULE_TUNED_ARMS) {
    if (!Array.isArray(grids[arm]) || grids[arm].length === 0) throw new AntitrainError(`schedules settings: grids["${arm}"] must list at least one configuration`);
  }
  const sizes = SCHEDULE_TUNED_ARMS.map((arm) => grids[arm].length);
  if (new Set(sizes).size > 1) {
    throw new AntitrainError(`schedules settings: every tuned arm gets the same number of configurations, got ${SCHEDULE_TUNED_ARMS.map((a, i) => `${a} ${sizes[i]}`).join(", ")}: make the grids equally long`);
  }
  for (const k of grids.interleaved) {
    requireKnownKeys(k, ["antiSteps", "cycle"], "an interleaved configuration");
    requirePositiveInt(k.antiSteps, "interleaved antiSteps");
    requirePositiveInt(k.cycle, "interleaved cycle");
    if (updates % (1 + k.antiSteps) !== 0) {
      throw new AntitrainError(`interleaved ${JSON.stringify(k)} spends ${1 + k.antiSteps} updates per training step, which does not divide updates ${updates}: change updates or antiSteps so every arm makes exactly the same number of updates`);
    }
  }
  for (const k of grids.cyclic) {
    requireKnownKeys(k, ["train", "anti"], "a cyclic configuration");
    requirePositiveInt(k.train, "cyclic train");
    requirePositiveInt(k.anti, "cyclic anti");
    if (updates % (k.train + k.anti) !== 0) {
      throw new AntitrainError(`cyclic ${JSON.stringify(k)} spends ${k.train + k.anti} updates per cycle, which does not divide updates ${updates}: change updates or the phase lengths so every arm makes exactly the same number of updates`);
    }
  }
  for (const k of grids["group lasso"]) {
    requireKnownKeys(k, ["lambda"], "a group-lasso configuration");
    if (!(typeof k.lambda === "number" && Number.isFinite(k.lambda) && k.lambda > 0)) throw new AntitrainError(`group lasso lambda must be a positive number, e.g. 1e-2, got ${k.lambda}`);
  }
}

/**
 * A schedule arm's antitrainer schedule and its training steps at `updates` optimizer updates: interleaved spends
 * `1 + antiSteps` updates per training step, cyclic `train + anti` per cycle.
 *
 * @example
 * scheduleOf("cyclic", { train: 200, anti: 100 }, 3600);   // { schedule: cyclic(200, 100), trainingSteps: 2400 }
 */
export function scheduleOf(arm: "interleaved" | "cyclic", knobs: InterleavedKnobs | CyclicKnobs, updates: number): { schedule: Schedule; trainingSteps: number } {
  if (arm === "interleaved") {
    const k = knobs as InterleavedKnobs;
    return { schedule: interleaved(k.antiSteps, { cycle: k.cycle }), trainingSteps: updates / (1 + k.antiSteps) };
  }
  if (arm === "cyclic") {
    const k = knobs as CyclicKnobs;
    return { schedule: cyclic(k.train, k.anti), trainingSteps: (updates / (k.train + k.anti)) * k.train };
  }
  throw new AntitrainError(`scheduleOf: ${JSON.stringify(arm)} is not a schedule: use "interleaved" or "cyclic"`);
}

/**
 * A configuration in a few words, for tables: "1:1, core every 100 steps", "200 train / 100 anti", "λ 0.01".
 *
 * @example
 * knobsLabel("cyclic", { train: 200, anti: 100 });   // "200 train / 100 anti steps"
 */
export function knobsLabel(arm: ScheduleName, knobs: ArmKnobs): string {
  if (knobs === null) return "—";
  if (arm === "interleaved") {
    const k = knobs as InterleavedKnobs;
    return `${k.antiSteps} anti per training step, core every ${k.cycle} steps`;
  }
  if (arm === "cyclic") {
    const k = knobs as CyclicKnobs;
    return `${k.train} train / ${k.anti} anti steps`;
  }
  return `λ ${(knobs as PenaltyKnobs).lambda}`;
}
