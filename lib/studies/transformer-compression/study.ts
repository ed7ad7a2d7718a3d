/**
 * Notebook 10's two studies as Study objects: the attention heads of a one-block modular-addition transformer
 * (`transformerCompressionStudy`) and of a two-block character-level language model (`charLmCompressionStudy`),
 * each block cut to `keep` heads after the same fine-tuning budget by four arms (see {@link HEAD_ARMS}): antitraining
 * (the reference), the randomization ranking of a plainly fine-tuned model, Michel et al.'s head importance of the
 * same model, and Voita et al.'s L0-gated fine-tuning. Antitraining's knobs (core fraction × antitrain rate) and
 * Voita's λ, nine configurations each in the full setting, are chosen on tuning seeds' validation split; the two
 * rankings of the plainly fine-tuned model have no knob.
 */
import { AntitrainError } from "../../base/errors";
import { size } from "../../data/dataset";
import type { PairedDifference, StudySummary, Verdict } from "../study";
import { defineStudy } from "../study";
import { interval, signedInterval, signedNumber, summarizeScores, verdictFromSummary } from "../summary";
import { charLmTask, lmSplit, modularSplit, modularTask } from "./data";
import { type HeadOutcome, type HeadSeed, type HeadSetup, type HeadTuningRow, headSeed, headTuning } from "./heads";
import {
  type CharLmSettings,
  HEAD_ARMS,
  type HeadArm,
  type HeadChosen,
  type HeadCommon,
  type ModularCompressionSettings,
  charLmSettings,
  checkCharLm,
  checkModularCompression,
  modularCompressionSettings,
} from "./settings";

const commonOf = (s: HeadCommon): HeadCommon => ({
  model: s.model,
  learningRate: s.learningRate,
  weightDecay: s.weightDecay,
  trainSteps: s.trainSteps,
  budget: s.budget,
  keep: s.keep,
  antiCycle: s.antiCycle,
  gateLearningRate: s.gateLearningRate,
  grids: s.grids,
});

/** The modular task as a head-compression setup (full batch; every training pair ranks). */
export function modularSetup(s: ModularCompressionSettings, tuning: boolean): HeadSetup {
  const task = modularTask(s.p, s.trainFraction);
  const split = modularSplit(s, tuning);
  return { common: commonOf(s), split, vocab: task.vocab, seqLen: task.seqLen, classes: s.p, batchSize: size(split.train), rankExamples: null };
}

/** The char-LM task as a head-compression setup. */
export function lmSetup(s: CharLmSettings, tuning: boolean): HeadSetup {
  const lm = charLmTask(s);
  const v = lm.vocab.length;
  return { common: commonOf(s), split: lmSplit(s, tuning), vocab: v, seqLen: s.window, classes: v, batchSize: s.batchSize, rankExamples: s.rankExamples };
}

/** Which number of an outcome a table or the headline reads. */
export type HeadMetric = "cut accuracy" | "cut loss" | "full accuracy" | "full loss";

/** The value of `metric` in an outcome. */
export function metricOf(o: HeadOutcome, metric: HeadMetric): number {
  const [which, what] = metric.split(" ") as ["cut" | "full", "accuracy" | "loss"];
  return o[which][what];
}

const isBetter = (metric: HeadMetric) => (metric.endsWith("accuracy") ? "higher" : "lower");

/**
 * The tuned arms' knobs: for Voita's λ and for antitraining's (fraction, rate), the configuration whose cut model
 * scores best on the validation split, averaged over the tuning seeds (`headline` decides, the other cut metric
 * breaks ties). Without tuning rows (a run without tuning seeds) the first configuration of each grid.
 *
 * @example
 * chooseHeads(s, rows, "cut accuracy").l0Lambda;   // e.g. 0.01
 */
export function chooseHeads(s: HeadCommon, rows: readonly HeadTuningRow[], headline: HeadMetric): HeadChosen {
  const tie: HeadMetric = headline === "cut accuracy" ? "cut loss" : "cut accuracy";
  const score = (arm: HeadArm, config: string, metric: HeadMetric) => {
    const xs = rows.filter((r) => r.arm === arm && r.config === config).map((r) => metricOf(r, metric));
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const best = <T>(arm: HeadArm, configs: readonly T[], label: (c: T) => string): T => {
    if (rows.length === 0) return configs[0];
    const sign = (m: HeadMetric) => (isBetter(m) === "higher" ? -1 : 1);
    return [...configs].sort((a, b) => sign(headline) * (score(arm, label(a), headline) - score(arm, label(b), headline)) || sign(tie) * (score(arm, label(a), tie) - score(arm, label(b), tie)))[0];
  };
  return {
    l0Lambda: best("voita", s.grids.l0Lambda, (l) => `λ ${l}`),
    antitrain: best("antitrain", s.grids.antitrain, (k) => `${k.fraction * 100}% core, lr ${k.learningRate}`),
  };
}

/** One row of the tuning table: a configuration's validation scores, mean over the tuning seeds. */
export interface HeadTuningTableRow {
  readonly arm: HeadArm;
  readonly config: string;
  readonly chosen: boolean;
  readonly "cut acc": number;
  readonly "cut loss": number;
  readonly "full acc": number;
  readonly "full loss": number;
  readonly updates: number;
}

/**
 * The tuning table: every configuration's validation scores (mean over the tuning seeds) and which was chosen.
 *
 * @example
 * tuningRows(run.tuning, run.chosen);
 */
export function tuningRows(rows: readonly HeadTuningRow[], chosen: HeadChosen): HeadTuningTableRow[] {
  const keys = [...new Set(rows.map((r) => `${r.arm}\u0000${r.config}`))];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return keys.map((key) => {
    const [arm, config] = key.split("\u0000") as [HeadArm, string];
    const rs = rows.filter((r) => r.arm === arm && r.config === config);
    const picked = arm === "voita" ? config === `λ ${chosen.l0Lambda}` : config === `${chosen.antitrain.fraction * 100}% core, lr ${chosen.antitrain.learningRate}`;
    return {
      arm,
      config,
      chosen: picked,
      "cut acc": Number(mean(rs.map((r) => r.cut.accuracy)).toFixed(3)),
      "cut loss": Number(mean(rs.map((r) => r.cut.loss)).toFixed(3)),
      "full acc": Number(mean(rs.map((r) => r.full.accuracy)).toFixed(3)),
      "full loss": Number(mean(rs.map((r) => r.full.loss)).toFixed(3)),
      updates: Math.max(...rs.map((r) => r.updates)),
    };
  });
}

/** One row of the paired table: one arm minus a reference on one metric, per seed. */
export interface HeadPairedRow {
  readonly comparison: string;
  readonly metric: string;
  readonly "mean [95% CI]": string;
  readonly median: string;
  readonly "better / worse / tied": string;
  readonly "Wilcoxon p": string;
}

const METRIC_NAMES: Record<HeadMetric, string> = {
  "cut accuracy": "test accuracy, cut",
  "cut loss": "test loss (nats), cut",
  "full accuracy": "test accuracy, uncut",
  "full loss": "test loss (nats), uncut",
};

/** Each arm's `metric` per seed, keyed by arm. */
function perSeed(results: readonly HeadSeed[], metric: HeadMetric) {
  return results.map((r) => Object.fromEntries(r.outcomes.map((o) => [o.arm, metricOf(o, metric)])));
}

/** The paired differences of `arms` against `reference` on `metric`. */
function pairedOn(results: readonly HeadSeed[], metric: HeadMetric, reference: HeadArm, arms: readonly HeadArm[]): PairedDifference[] {
  return [...summarizeScores(perSeed(results, metric), { metric: METRIC_NAMES[metric], better: isBetter(metric), reference, arms: [reference, ...arms.filter((a) => a !== reference)] }).paired];
}

/**
 * The paired table: every arm − antitraining on the four metrics (cut and uncut test accuracy and loss), then the
 * rankings of the same plainly fine-tuned model (Michel et al. − randomization) and Voita's gates − randomization.
 *
 * @example
 * pairedRows(results);
 */
export function pairedRows(results: readonly HeadSeed[]): HeadPairedRow[] {
  const metrics: HeadMetric[] = ["cut accuracy", "cut loss", "full accuracy", "full loss"];
  const row = (p: PairedDifference, metric: HeadMetric): HeadPairedRow => ({
    comparison: `${p.arm} − ${p.reference}`,
    metric: METRIC_NAMES[metric],
    "mean [95% CI]": signedInterval(p, 3),
    median: signedNumber(p.median, 3),
    "better / worse / tied": `${p.wins} / ${p.losses} / ${p.ties}`,
    "Wilcoxon p": p.wilcoxonP.toPrecision(2),
  });
  const vsAnti = metrics.flatMap((m) => pairedOn(results, m, "antitrain", HEAD_ARMS).map((p) => row(p, m)));
  const vsRand = metrics.flatMap((m) => pairedOn(results, m, "randomization", ["michel", "voita"]).map((p) => row(p, m)));
  return [...vsAnti, ...vsRand];
}

/** One row of the arms table: an arm's scores, mean over seeds. */
export interface HeadArmRow {
  readonly arm: HeadArm;
  readonly config: string;
  readonly updates: string;
  readonly "cut acc": string;
  readonly "cut loss": string;
  readonly "uncut acc": string;
  readonly "uncut loss": string;
  readonly params: string;
  /** Voita: gates closed per block; antitrain: the antitrained core per block (mean over seeds). */
  readonly "closed gates / core": string;
}

/**
 * The arms table: per arm its configuration, updates, cut and uncut test accuracy and loss (mean [95% CI]), the cut
 * model's parameters and, for Voita, the gates closed per block (antitraining: its last core per block).
 */
export function armRows(results: readonly HeadSeed[]): HeadArmRow[] {
  const ci = (xs: number[]) => {
    const s = summarizeScores(
      xs.map((x) => ({ a: x })),
      { metric: "x", better: "lower", reference: "a" },
    ).arms[0];
    return interval({ ...s, n: xs.length }, 3);
  };
  return HEAD_ARMS.map((arm) => {
    const os = results.map((r) => r.outcomes.find((o) => o.arm === arm)).filter((o): o is HeadOutcome => o !== undefined);
    const extras = os.map((o) => o.extra).filter((e): e is number[] => e !== null);
    const blocks = extras[0]?.length ?? 0;
    return {
      arm,
      config: [...new Set(os.map((o) => o.config))].join(", "),
      updates: [...new Set(os.map((o) => o.updates))].join(", "),
      "cut acc": ci(os.map((o) => o.cut.accuracy)),
      "cut loss": ci(os.map((o) => o.cut.loss)),
      "uncut acc": ci(os.map((o) => o.full.accuracy)),
      "uncut loss": ci(os.map((o) => o.full.loss)),
      params: `${os[0]?.params} of ${os[0]?.fullParams}`,
      "closed gates / core":
        extras.length === 0 ? "" : Array.from({ length: blocks }, (_, b) => (extras.reduce((sum, e) => sum + e[b], 0) / extras.length).toFixed(1)).join(", "),
    };
  });
}

/**
 * The verdict of the t intervals (the project's scale), with a note wherever an arm's Wilcoxon p (< 0.05 or not)
 * disagrees with its interval, and the rankings' own comparison (Michel et al. − randomization) among the numbers.
 */
function headVerdict(summary: StudySummary, question: string, claim: string): Verdict {
  const v = verdictFromSummary(summary, { question, claim, digits: 3 });
  const flips = summary.paired.filter((p) => p.n > 1 && (p.high < 0 || p.low > 0) !== p.wilcoxonP < 0.05);
  const notes = flips.map((p) => `for ${p.arm} the Wilcoxon test ${p.wilcoxonP < 0.05 ? "does" : "does not"} find a difference (p = ${p.wilcoxonP.toPrecision(2)}) where its t interval ${p.high < 0 || p.low > 0 ? "does" : "does not"}`);
  const details = summary.details as { rankings?: PairedDifference[] } | undefined;
  const numbers = [...v.numbers];
  const michel = details?.rankings?.find((p) => p.arm === "michel");
  if (michel !== undefined) numbers.push(`michel − randomization (same fine-tuned model): ${signedInterval(michel, 3)}, median ${signedNumber(michel.median, 3)}, Wilcoxon p = ${michel.wilcoxonP.toPrecision(2)}`);
  const sentence = notes.length === 0 ? v.sentence : `${v.sentence.replace(/\.$/, "")}; ${notes.join("; ")}.`;
  return { ...v, sentence, numbers };
}

/** The summary of either study: the headline per arm against antitraining, and the tables in `details`. */
function headSummary(results: readonly HeadSeed[], headline: HeadMetric, metric: string, extra: object): StudySummary {
  if (results.some((r) => HEAD_ARMS.some((a) => !r.outcomes.some((o) => o.arm === a)))) throw new AntitrainError("every seed must run every arm");
  return summarizeScores(perSeed(results, headline), {
    metric,
    better: isBetter(headline),
    reference: "antitrain",
    arms: HEAD_ARMS,
    digits: 3,
    details: {
      ...extra,
      arms: armRows(results),
      paired: pairedRows(results),
      rankings: pairedOn(results, headline, "randomization", ["michel", "voita"]),
      trained: results.map((r) => ({ seed: r.seed, "test acc": Number(r.trained.accuracy.toFixed(3)), "test loss": Number(r.trained.loss.toFixed(3)) })),
      perSeed: results.flatMap((r) =>
        r.outcomes.map((o) => ({
          seed: r.seed,
          arm: o.arm,
          "cut acc": Number(o.cut.accuracy.toFixed(3)),
          "cut loss": Number(o.cut.loss.toFixed(3)),
          "uncut acc": Number(o.full.accuracy.toFixed(3)),
          "uncut loss": Number(o.full.loss.toFixed(3)),
          kept: o.kept.map((k) => k.join(" ")).join(" | "),
          "closed gates / core": o.extra === null ? "" : o.extra.join(", "),
        })),
      ),
    },
  });
}

const MODULAR_QUESTION =
  "Cut to half its attention heads after the same fine-tuning budget, does a modular-addition transformer keep a higher test accuracy when its heads were antitrained than with the randomization ranking alone, Michel et al.'s head importance or Voita et al.'s L0-gated heads?";
const MODULAR_CLAIM = "antitraining the heads keeps a higher test accuracy at half the heads than every other arm";
const LM_QUESTION =
  "Cut to half its attention heads per block after the same fine-tuning budget, does a character-level language model keep a lower test loss when its heads were antitrained than with the randomization ranking alone, Michel et al.'s head importance or Voita et al.'s L0-gated heads?";
const LM_CLAIM = "antitraining the heads keeps a lower test loss at half the heads than every other arm";

/**
 * Notebook 10's modular-addition study. Arms: {@link HEAD_ARMS}. Headline: test accuracy with `keep` of the heads
 * left, higher is better, antitraining the reference. Details: the arms, paired and per-seed tables.
 *
 * @example
 * const run = await st.runStudy(st.transformerCompressionStudy, st.transformerCompressionStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export const transformerCompressionStudy = defineStudy({
  name: "10-transformer-compression",
  question: MODULAR_QUESTION,
  arms: HEAD_ARMS,
  settings: modularCompressionSettings,
  check: checkModularCompression,
  tune: (s: ModularCompressionSettings, seed: number): HeadTuningRow[] => headTuning(modularSetup(s, true), seed),
  choose: (s: ModularCompressionSettings, rows: readonly HeadTuningRow[]): HeadChosen => chooseHeads(s, rows, "cut accuracy"),
  run: (s: ModularCompressionSettings, chosen: HeadChosen, seed: number): HeadSeed => headSeed(modularSetup(s, false), chosen, seed, HEAD_ARMS),
  summarize: (s: ModularCompressionSettings, results: readonly HeadSeed[]) =>
    headSummary(results, "cut accuracy", `test accuracy with ${s.keep} of ${s.model.heads} heads kept (p = ${s.p}, ${s.budget} fine-tuning updates per arm)`, { p: s.p }),
  verdict: (summary) => headVerdict(summary, MODULAR_QUESTION, MODULAR_CLAIM),
});

/**
 * Notebook 10's character-level language model study. Arms: {@link HEAD_ARMS}. Headline: test loss (nats) with
 * `keep` heads left in every block, lower is better, antitraining the reference.
 *
 * @example
 * const run = await st.runStudy(st.charLmCompressionStudy, st.charLmCompressionStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export const charLmCompressionStudy = defineStudy({
  name: "10-transformer-compression-lm",
  question: LM_QUESTION,
  arms: HEAD_ARMS,
  settings: charLmSettings,
  check: checkCharLm,
  tune: (s: CharLmSettings, seed: number): HeadTuningRow[] => headTuning(lmSetup(s, true), seed),
  choose: (s: CharLmSettings, rows: readonly HeadTuningRow[]): HeadChosen => chooseHeads(s, rows, "cut loss"),
  run: (s: CharLmSettings, chosen: HeadChosen, seed: number): HeadSeed => headSeed(lmSetup(s, false), chosen, seed, HEAD_ARMS),
  summarize: (s: CharLmSettings, results: readonly HeadSeed[]) =>
    headSummary(results, "cut loss", `test loss (nats) with ${s.keep} of ${s.model.heads} heads kept in each of ${s.model.layers} blocks (${s.budget} fine-tuning updates per arm)`, {}),
  verdict: (summary) => headVerdict(summary, LM_QUESTION, LM_CLAIM),
});
