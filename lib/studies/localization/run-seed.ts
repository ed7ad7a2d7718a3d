/**
 * One seed of notebook 19's localization study, and its tuning: per task, per arm, a fresh MLP trained under the
 * shared update budget and measured on the test split (tuning: each configuration measured on the validation split).
 */
import { concept } from "../../analysis/concept";
import { taskModel, taskSite, taskSplit } from "./data";
import { type Localization, measureLocalization } from "./measure";
import { pickConceptUnits } from "./pick";
import { type ArmConfig, LOCALIZATION_ARMS, type LocalizationArm, type LocalizationSettings, type LocalizationTask, type UnitPick } from "./settings";
import { trainArm } from "./train-arm";

/** The knobs every study seed uses: per task name, per arm, the configuration picked on validation data. */
export type LocalizationChosen = Readonly<Record<string, Readonly<Record<LocalizationArm, ArmConfig>>>>;

/** One trained arm measured. `part`: the main comparison, or a point of the unit-count / width sweep. */
export interface LocalizationRow extends Localization {
  readonly task: string;
  readonly arm: LocalizationArm;
  readonly part: "main" | "sweep";
  readonly seed: number;
  /** Chosen units and the site's width. */
  readonly units: number;
  readonly hidden: number;
  readonly chosenUnits: readonly number[];
  readonly config: ArmConfig;
  /** Optimizer updates the arm made (the budget, for every arm). */
  readonly updates: number;
}

/** One seed: every row (main comparison first, then the sweep). */
export interface LocalizationSeed {
  readonly seed: number;
  readonly rows: LocalizationRow[];
}

/** One tuning measurement: an arm's configuration on the validation split. */
export interface LocalizationTuneRow {
  readonly task: string;
  readonly arm: LocalizationArm;
  readonly configIndex: number;
  readonly seed: number;
  /** Validation: the probe's concept accuracy's distance from chance with the chosen units randomized, and the main accuracy. */
  readonly excess: number;
  readonly mainAccuracy: number;
}

/** Trains and measures one arm at one (units, width); `evalOn` picks the split measured (and plain-picked picks on validation). */
function armRow(s: LocalizationSettings, task: LocalizationTask, arm: LocalizationArm, config: ArmConfig, k: number, hidden: number, seed: number, evalOn: "test" | "validation"): Omit<LocalizationRow, "part"> {
  const data = taskSplit(task);
  const site = taskSite(task);
  const c = concept(task.concept.name, task.concept.values);
  const model = taskModel(task, hidden, seed);
  try {
    const fixed = Array.from({ length: k }, (_, u) => u);
    const { updates } = trainArm(model, data.train, {
      arm,
      site,
      ...(task.transformer === undefined ? {} : { weightDecay: task.transformer.weightDecay }),
      config,
      concept: c,
      chosen: fixed,
      budget: s.budget,
      pretrain: s.pretrain,
      // plain-picked's learning-rate scale (its full grid's second knob); every other arm at the task's rate.
      learningRate: (task.transformer?.learningRate ?? s.learningRate) * ((config as { learningRateScale?: number }).learningRateScale ?? 1),
      statsEvery: s.statsEvery,
      seed,
    });
    const chosenUnits = arm === "plain-picked" ? pickConceptUnits(model, site, data, c, k, (config as { pick: UnitPick }).pick) : fixed;
    const m = measureLocalization(model, data.train, data[evalOn], c, chosenUnits, { site, draws: s.otherDraws, seed });
    return { task: task.name, arm, seed, units: k, hidden, chosenUnits, config, updates, ...m };
  } finally {
    model.dispose();
  }
}

/** Default knobs (no tuning rows): every arm's first configuration. */
function chosenFor(chosen: LocalizationChosen, s: LocalizationSettings, task: string, arm: LocalizationArm): ArmConfig {
  return chosen[task]?.[arm] ?? s.grid[arm][0];
}

/**
 * One seed: for every task and arm a fresh model (`taskModel`: the MLP, or the transformer; the same initialization for every arm),
 * trained for `budget` updates with the arm's chosen knob and measured on the test split; then, on the first task,
 * the sweep over unit counts (at its width) and widths (at `units`). Plain JSON.
 *
 * @example
 * const r = localizationSeed(localizationSettings("tiny"), {}, 0);   // r.rows[0].probeChosen
 */
export function localizationSeed(s: LocalizationSettings, chosen: LocalizationChosen, seed: number): LocalizationSeed {
  const rows: LocalizationRow[] = [];
  for (const task of s.tasks) {
    for (const arm of LOCALIZATION_ARMS) rows.push({ part: "main", ...armRow(s, task, arm, chosenFor(chosen, s, task.name, arm), s.units, task.hidden, seed, "test") });
  }
  if (s.sweep !== null) {
    const task = s.tasks[0];
    const points = [...s.sweep.units.filter((k) => k !== s.units).map((k) => [k, task.hidden]), ...s.sweep.widths.filter((w) => w !== task.hidden).map((w) => [s.units, w])];
    for (const [k, hidden] of points) {
      for (const arm of LOCALIZATION_ARMS) rows.push({ part: "sweep", ...armRow(s, task, arm, chosenFor(chosen, s, task.name, arm), k, hidden, seed, "test") });
    }
  }
  return { seed, rows };
}

/**
 * One tuning seed: every configuration of every arm on every task, trained on the training split and measured on the
 * validation split (plain-picked trains once and picks its units both ways). Plain JSON.
 *
 * @example
 * const rows = tuneLocalization(localizationSettings("tiny"), 100);
 */
export function tuneLocalization(s: LocalizationSettings, seed: number): LocalizationTuneRow[] {
  const rows: LocalizationTuneRow[] = [];
  for (const task of s.tasks) {
    for (const arm of LOCALIZATION_ARMS) {
      s.grid[arm].forEach((config, configIndex) => {
        const r = armRow(s, task, arm, config, s.units, task.hidden, seed, "validation");
        rows.push({ task: task.name, arm, configIndex, seed, excess: Math.abs(r.probeChosen - r.chance), mainAccuracy: r.mainAccuracy });
      });
    }
  }
  return rows;
}

/** One configuration's tuning score on one task: the means over tuning seeds and the score the choice minimizes. */
export interface LocalizationTuneScore {
  readonly task: string;
  readonly arm: LocalizationArm;
  readonly configIndex: number;
  readonly config: ArmConfig;
  /** Tuning seeds measured (0: not tuned; then every number is NaN and the score +Infinity). */
  readonly seeds: number;
  readonly excess: number;
  readonly mainAccuracy: number;
  /** excess + max(0, plain accuracy − mainAccuracy), averaged over seeds. */
  readonly score: number;
}

/**
 * Every configuration's validation score per task and arm, averaged over tuning seeds: the distance of the concept
 * accuracy from chance with the chosen units randomized, plus the main accuracy lost against plain training
 * (plain-picked's mean over its configurations at learning-rate scale 1), both in accuracy points; the same rule
 * for every arm.
 *
 * @example
 * const scores = localizationTuneScores(s, tuneLocalization(s, 100));   // scores[0].score
 */
export function localizationTuneScores(s: LocalizationSettings, rows: readonly LocalizationTuneRow[]): LocalizationTuneScore[] {
  const mean = (v: number[]) => (v.length === 0 ? Number.NaN : v.reduce((a, b) => a + b, 0) / v.length);
  // Plain training at the task's own learning rate (plain-picked's configurations at scale 1, or all of them when none names a scale).
  const atScale1 = (i: number) => ((s.grid["plain-picked"][i] as { learningRateScale?: number }).learningRateScale ?? 1) === 1;
  return s.tasks.flatMap((task) => {
    const mine = rows.filter((r) => r.task === task.name);
    const plain = mine.filter((r) => r.arm === "plain-picked" && atScale1(r.configIndex)).map((r) => r.mainAccuracy);
    const plainAccuracy = plain.length === 0 ? 0 : mean(plain);
    return LOCALIZATION_ARMS.flatMap((arm) =>
      s.grid[arm].map((config, configIndex) => {
        const at = mine.filter((r) => r.arm === arm && r.configIndex === configIndex);
        const score = at.length === 0 ? Number.POSITIVE_INFINITY : mean(at.map((r) => r.excess + Math.max(0, plainAccuracy - r.mainAccuracy)));
        return { task: task.name, arm, configIndex, config, seeds: at.length, excess: mean(at.map((r) => r.excess)), mainAccuracy: mean(at.map((r) => r.mainAccuracy)), score };
      }),
    );
  });
}

/**
 * Per task and arm, the configuration with the lowest validation score (`localizationTuneScores`; ties to the
 * earlier configuration). No rows: every arm's first configuration.
 *
 * @example
 * const chosen = chooseLocalization(s, tuneLocalization(s, 100));   // chosen.digits["gradient-routing"]
 */
export function chooseLocalization(s: LocalizationSettings, rows: readonly LocalizationTuneRow[]): LocalizationChosen {
  const scores = localizationTuneScores(s, rows);
  const out: Record<string, Record<LocalizationArm, ArmConfig>> = {};
  for (const task of s.tasks) {
    out[task.name] = Object.fromEntries(
      LOCALIZATION_ARMS.map((arm) => {
        const mine = scores.filter((x) => x.task === task.name && x.arm === arm).map((x) => x.score);
        const best = mine.every((x) => x === Number.POSITIVE_INFINITY) ? 0 : mine.indexOf(Math.min(...mine));
        return [arm, s.grid[arm][best]];
      }),
    ) as Record<LocalizationArm, ArmConfig>;
  }
  return out;
}
