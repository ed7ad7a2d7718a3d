/**
 * The one contract every study of the notebooks follows. A study is a plain object: its settings are typed,
 * serializable JSON (data is a description a worker rebuilds, never tensors), its seeds are computed one at a time
 * by `run(settings, chosen, seed)` in any process, and its summary has one shape for every study, so a report can
 * put the verdict first and the paired, per-seed statistics beside it.
 *
 *   tune(settings, tuningSeed) → rows   (validation data or separate seeds only; optional)
 *   choose(settings, rows)     → chosen (the knobs every study seed uses)
 *   run(settings, chosen, seed)→ one seed's result (plain JSON)
 *   summarize(settings, results) → StudySummary      verdict(summary) → Verdict
 */
import { AntitrainError } from "../base/errors";

/** The answer a report puts first, on a fixed scale (see {@link Verdict}). */
export const ANSWERS = ["supported", "not supported", "mixed", "inconclusive"] as const;
export type Answer = (typeof ANSWERS)[number];

/** The settings every study names: the full run, the notebook's quick default, and the contract test's. */
export const STUDY_SIZES = ["tiny", "quick", "full"] as const;
export type StudySize = (typeof STUDY_SIZES)[number];

/** One arm's headline metric over the seeds. */
export interface ArmStatistic {
  readonly arm: string;
  readonly n: number;
  /** Mean with a two-sided 95% Student-t interval over the seeds. */
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly median: number;
  /** First and third quartiles (linear interpolation). */
  readonly q1: number;
  readonly q3: number;
}

/** One arm minus the reference arm, paired per seed (positive: the arm's metric is larger). */
export interface PairedDifference {
  readonly arm: string;
  readonly reference: string;
  readonly n: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly median: number;
  /** Seeds where the arm is better than the reference, worse, and equal (by the summary's `better`). */
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
  /** Two-sided Wilcoxon signed-rank p-value of the per-seed differences (zeros dropped; 1 when fewer than two differ). */
  readonly wilcoxonP: number;
}

/** One shape for every study's summary. */
export interface StudySummary {
  /** What the headline metric is, e.g. "units within 1 point of the dense validation accuracy". */
  readonly metric: string;
  /** Whether a lower or a higher metric is better. */
  readonly better: "lower" | "higher";
  /** The arm the paired differences are taken against (the notes' method). */
  readonly reference: string;
  readonly seeds: number;
  readonly arms: readonly ArmStatistic[];
  readonly paired: readonly PairedDifference[];
  /** One line with the numbers that carry the result. */
  readonly headline: string;
  /** The study's own tables (plain JSON), for its report. */
  readonly details?: unknown;
}

/**
 * A study's answer. `supported`: the reference arm is better than every compared arm with a 95% interval that
 * excludes no difference; `not supported`: some arm is reliably better than the reference and none reliably worse;
 * `mixed`: some reliably better and some reliably worse; `inconclusive`: no interval excludes zero.
 */
export interface Verdict {
  readonly question: string;
  readonly answer: Answer;
  /** The answer in one sentence, with its key number. */
  readonly sentence: string;
  /** The 3–5 numbers that carry it, each with its interval. */
  readonly numbers: readonly string[];
}

/**
 * A study: its name (the notebook's and the results file's), the question it answers, its arms, its quick and full
 * settings, and the protocol. `Settings` and `Chosen` must survive `JSON.stringify`; so must `Result`.
 *
 * @example
 * const study = st.STUDIES["04-compression"];
 * const settings = study.settings("quick");
 * const result = study.run(settings, study.choose(settings, []), 0);
 */
export interface Study<Settings extends object = object, Chosen = unknown, Result = unknown, TuneRow = unknown> {
  readonly name: string;
  readonly question: string;
  readonly arms: readonly string[];
  /**
   * A named setting: `"full"` for the numbers the report quotes, `"quick"` for the notebook's default run (a smoke
   * test of the whole study, about a minute), `"tiny"` for the contract test (seconds).
   */
  settings(size: StudySize): Settings;
  /** Throws an AntitrainError naming the fix when `settings` cannot be run. */
  check(settings: Settings): void;
  /** Tuning rows from one tuning seed (validation data only). Absent when the study tunes nothing. */
  tune?(settings: Settings, seed: number): TuneRow[];
  /** The knobs every study seed uses, from every tuning row. */
  choose(settings: Settings, tuning: readonly TuneRow[]): Chosen;
  /** One seed of the study. */
  run(settings: Settings, chosen: Chosen, seed: number): Result;
  summarize(settings: Settings, results: readonly Result[]): StudySummary;
  verdict(summary: StudySummary): Verdict;
}

/** Any study, whatever its types (the registry's element type). */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds studies of every type
export type AnyStudy = Study<any, any, any, any>;

/**
 * Checks a study's shape once, where it is defined: a plain file name, a question, distinct arms, and every
 * protocol function present. Returns the study.
 *
 * @example
 * export const myStudy = defineStudy({ name: "20-mine", question: "…", arms: ["a", "b"], settings, check, choose, run, summarize, verdict });
 */
export function defineStudy<S extends object, C, R, T>(study: Study<S, C, R, T>): Study<S, C, R, T> {
  if (typeof study.name !== "string" || !/^[\w.-]+$/.test(study.name) || study.name.startsWith(".")) {
    throw new AntitrainError(`a study's name must be a plain file name such as "04-compression", got ${JSON.stringify(study.name)}`);
  }
  if (typeof study.question !== "string" || study.question.trim() === "") throw new AntitrainError(`study ${study.name}: state its question in one sentence`);
  if (!Array.isArray(study.arms) || study.arms.length === 0 || new Set(study.arms).size !== study.arms.length) {
    throw new AntitrainError(`study ${study.name}: arms must be a non-empty list of distinct names, got ${JSON.stringify(study.arms)}`);
  }
  for (const fn of ["settings", "check", "choose", "run", "summarize", "verdict"] as const) {
    if (typeof study[fn] !== "function") throw new AntitrainError(`study ${study.name} has no ${fn}() function`);
  }
  if (study.tune !== undefined && typeof study.tune !== "function") throw new AntitrainError(`study ${study.name}: tune must be a function or absent`);
  return study;
}
