/** Tables and charts of the mutual-information study (notebook 11). */
import { type Interval, meanCI } from "../base/statistics";
import type { ModelMeasures } from "../studies/mutual-information/measure-model";
import { knobKey, knobLabel } from "../studies/mutual-information/settings";
import { MUTUAL_INFORMATION_MODELS, MUTUAL_INFORMATION_TRAINED, type MutualInformationChosen, type MutualInformationSeed, type MutualInformationTuneRow } from "../studies/mutual-information/run-seed";
import type { MutualInformationTables } from "../studies/mutual-information/tables";
import type { PairedDifference, StudySummary } from "../studies/study";
import { interval, signedInterval, signedNumber } from "../studies/summary";
import { axes, chart, type PlotlyObject } from "./plot";

/** `mean [low, high]` (st.interval). */
const fmt = (i: Interval, d = 3) => interval(i, d);

/** A measure of one model over seeds. */
const over = (runs: readonly MutualInformationSeed[], name: string, f: (m: ModelMeasures) => number) =>
  meanCI(runs.map((r) => f(r.measured[name as keyof MutualInformationSeed["measured"]])));

/**
 * Side-by-side heat maps of the first seed's pair interactions on loss for `names` (`which`: the exact Shapley
 * interaction index, or the library's pairwise measure joint − singles), units ordered by single damage (most
 * informative top-left), one shared red-blue colour axis centred on 0.
 *
 * @example
 * tslab.display.html(nb.interactionHeatmaps(run.results, ["plain", "antitrained"], "Exact pair indices on loss", "exact"));
 */
export function interactionHeatmaps(runs: readonly MutualInformationSeed[], names: readonly string[], title: string, which: "exact" | "pairwise" = "pairwise"): string {
  const r0 = runs[0].measured as Readonly<Record<string, ModelMeasures>>;
  const traces = names.map((name, p): PlotlyObject => {
    const m = r0[name];
    const units = m.lossSingles.length;
    const order = Array.from(m.lossSingles, (_, u) => u).sort((a, b) => m.lossSingles[b] - m.lossSingles[a]);
    const matrix = which === "exact" ? m.exactMatrix : m.lossMatrix;
    const z = order.map((i) => order.map((j) => matrix[i * units + j]));
    const axis = p === 0 ? "" : String(p + 1);
    return { type: "heatmap", z, x: order.map(String), y: order.map(String), xaxis: `x${axis}`, yaxis: `y${axis}`, coloraxis: "coloraxis", name, hovertemplate: `units %{y} & %{x}: %{z:.4f}<extra>${name}</extra>` };
  });
  const layout: PlotlyObject = {
    title: { text: title },
    height: 380,
    coloraxis: { colorscale: "RdBu", cmid: 0, colorbar: { title: { text: "interaction" } } },
    annotations: names.map((name, p) => ({ text: `${name} (acc ${r0[name].accuracy.toFixed(3)})`, showarrow: false, xref: "paper", yref: "paper", x: (p + 0.5) / names.length, y: 1.06 })),
  };
  names.forEach((_, p) => {
    const axis = p === 0 ? "" : String(p + 1);
    const w = 1 / names.length;
    layout[`xaxis${axis}`] = { domain: [p * w + 0.02, (p + 1) * w - 0.04], title: { text: "unit (by importance)" }, showticklabels: false, type: "category" };
    layout[`yaxis${axis}`] = { domain: [0, 1], anchor: `x${axis}`, title: { text: p === 0 ? "unit (by importance)" : "" }, showticklabels: false, autorange: "reversed", type: "category" };
  });
  return chart(traces, layout);
}

/**
 * Per arm over seeds: its chosen knob, test accuracy and loss, the exact index per unit of Shapley value (the
 * headline), the pairwise measure's ratio, the agreement of the two (Spearman over pairs, equal sign), and the
 * positive shares.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.exactRows(run.results)));
 */
export function exactRows(runs: readonly MutualInformationSeed[]): Record<string, string>[] {
  return MUTUAL_INFORMATION_MODELS.map((name) => {
    const g = (f: (m: ModelMeasures) => number, d = 3) => fmt(over(runs, name, f), d);
    return {
      arm: name,
      knob: name === "softened plain" ? `T ${fmt(meanCI(runs.map((r) => r.softenT)), 2)}` : knobLabel(runs[0].chosen[name]),
      "test acc": g((m) => m.accuracy),
      "test loss": g((m) => m.testLoss),
      "exact index / Shapley value": g((m) => m.exactRatio),
      "pairwise / single": g((m) => m.lossRatio),
      "Spearman (pairwise vs exact)": g((m) => m.agreeSpearman),
      "same sign": g((m) => m.agreeSign),
      "positive pairs (exact)": g((m) => m.exactPositive),
      "positive pairs (pairwise)": g((m) => m.lossPositive),
    };
  });
}

/**
 * Per model over seeds: test accuracy, mean single damage and interaction on loss, their ratio, positive pairs on
 * loss and accuracy, negative pairs on accuracy, and the layer excess on accuracy (the library's pairwise measure).
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.interactionRows(run.results)));
 */
export function interactionRows(runs: readonly MutualInformationSeed[]): Record<string, string>[] {
  return MUTUAL_INFORMATION_MODELS.map((name) => {
    const g = (f: (m: ModelMeasures) => number) => fmt(over(runs, name, f));
    return {
      model: name,
      "test acc": g((m) => m.accuracy),
      "mean single (loss)": g((m) => m.lossMeanSingle),
      "mean interaction (loss)": g((m) => m.lossMean),
      "interaction / single": g((m) => m.lossRatio),
      "positive pairs (loss)": g((m) => m.lossPositive),
      "positive pairs (acc)": g((m) => m.accPositive),
      "negative pairs (acc)": g((m) => m.accNegative),
      "layer excess (acc)": g((m) => m.accExcess),
    };
  });
}

/**
 * The group question's chart (each model's damage of random sub-groups as a share of the whole layer's, against the
 * share randomized, with the additive diagonal) and table (whole-layer damage and each size's share).
 *
 * @example
 * const { chart, rows } = nb.groupQuestion(run.results);
 */
export function groupQuestion(runs: readonly MutualInformationSeed[]): { chart: string; rows: Record<string, string>[] } {
  const hidden = runs[0].measured.plain.lossSingles.length;
  const traces: PlotlyObject[] = MUTUAL_INFORMATION_MODELS.map((name) => {
    const sizes = runs[0].measured[name].groupSizes;
    return { type: "scatter", mode: "lines+markers", name, x: sizes.map((s) => s / hidden), y: sizes.map((_, i) => over(runs, name, (m) => m.groupShare[i]).mean) };
  });
  traces.push({ type: "scatter", mode: "lines", name: "additive (s/N)", x: [0, 1], y: [0, 1], line: { dash: "dot", color: "gray" } });
  const sizes = runs[0].measured.plain.groupSizes;
  const rows = MUTUAL_INFORMATION_MODELS.map((name) => {
    const row: Record<string, string> = { model: name, "whole layer damage": fmt(over(runs, name, (m) => m.groupFull)) };
    sizes.forEach((s, i) => {
      row[`${s}/${hidden}`] = fmt(over(runs, name, (m) => m.groupShare[i]));
    });
    return row;
  });
  return { chart: chart(traces, axes("share of the layer randomized (s/N)", "damage / whole-layer damage (accuracy)", "Group question on h1")), rows };
}

/**
 * The tying check's table over seeds: planted pairs found, their hints and interactions against the rest, and how
 * the plain model's hints follow activation correlation.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.tyingRows(run.results, SETTINGS.PLANTED)));
 */
export function tyingRows(runs: readonly MutualInformationSeed[], planted: number): Record<string, string>[] {
  const ci = (f: (t: MutualInformationSeed["tying"]) => number) => meanCI(runs.map((r) => f(r.tying)));
  return [
    { measure: `planted pairs in the top ${planted} (precision)`, value: fmt(ci((t) => t.plantedPrecision)) },
    { measure: "planted copies whose best partner is their original", value: fmt(ci((t) => t.partnerAccuracy)) },
    { measure: "mean hint of the planted pairs", value: fmt(ci((t) => t.plantedHint), 4) },
    { measure: "highest hint of any other pair", value: fmt(ci((t) => t.nextHint), 4) },
    { measure: "mean interaction (loss) of planted pairs", value: fmt(ci((t) => t.plantedInteraction), 4) },
    { measure: "mean interaction (loss) of other pairs", value: fmt(ci((t) => t.otherInteraction), 4) },
    { measure: "plain model: Spearman(hint, activation correlation)", value: fmt(ci((t) => t.spearmanCorr)) },
    { measure: "plain model: Spearman(hint, |activation correlation|)", value: fmt(ci((t) => t.spearmanAbsCorr)) },
  ];
}

/**
 * The first seed's plain model: its top hints as table rows, and every pair's hint against its activation correlation.
 *
 * @example
 * const { rows, chart } = nb.tyingHintsView(run.results[0]);
 */
export function tyingHintsView(r: MutualInformationSeed): { rows: Record<string, string>[]; chart: string } {
  const t = r.tying;
  const rows = t.top.map((h) => ({ pair: h.pair, hint: h.hint.toFixed(4), "activation correlation": h.correlation.toFixed(3) }));
  const scatter = chart(
    [{ type: "scatter", mode: "markers", x: t.correlations, y: t.hints, marker: { size: 5, opacity: 0.6 }, name: "pairs" }],
    axes("activation correlation of the pair", "tying hint (loss)", `Tying hints vs activation correlation, plain model, seed ${r.seed}`),
  );
  return { rows, chart: scatter };
}

/**
 * The tuning table: per arm and configuration the mean validation loss and accuracy over the tuning seeds, its rank
 * within the arm (1: lowest validation loss), the chosen one marked.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.mutualInformationTuningRows(run.tuning, run.chosen)));
 */
export function mutualInformationTuningRows(tuning: readonly MutualInformationTuneRow[], chosen: MutualInformationChosen): Record<string, string>[] {
  const knobName = { plain: "learning rate", antitrained: "", dropout: "dropout rate", L2: "L2 coefficient" };
  return MUTUAL_INFORMATION_TRAINED.flatMap((arm) => {
    const mineAll = tuning.filter((r) => r.arm === arm);
    const keys = [...new Set(mineAll.map((r) => knobKey(r.knob)))];
    const configs = keys.map((key) => {
      const mine = mineAll.filter((r) => knobKey(r.knob) === key);
      const m = (k: "valLoss" | "valAcc") => mine.reduce((a, r) => a + r[k], 0) / mine.length;
      return { key, knob: mine[0].knob, loss: m("valLoss"), acc: m("valAcc") };
    });
    const order = [...configs].sort((a, b) => a.loss - b.loss);
    return configs.map((c) => ({
      arm,
      knob: `${knobName[arm]} ${knobLabel(c.knob)}`.trim(),
      "validation loss": c.loss.toFixed(4),
      "validation acc": c.acc.toFixed(4),
      rank: String(order.indexOf(c) + 1),
      chosen: knobKey(chosen[arm]) === c.key ? "✓" : "",
    }));
  });
}

const cells = (p: PairedDifference | undefined, d: number) =>
  p === undefined ? ["", "", ""] : [signedInterval(p, d), signedNumber(p.median, d), p.n < 2 ? "" : p.wilcoxonP.toPrecision(2)];

/**
 * The paired table: per arm, other arm − antitrained on the same seed, on the exact index per Shapley value (the
 * headline), the pairwise measure's ratio, test accuracy and test loss: mean [95% t interval], median, Wilcoxon p.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.mutualInformationPairedRows(run.summary)));
 */
export function mutualInformationPairedRows(summary: StudySummary): Record<string, string>[] {
  const t = summary.details as MutualInformationTables;
  return summary.paired.map((p) => {
    const find = (s: StudySummary) => s.paired.find((x) => x.arm === p.arm);
    const [e, em, ep] = cells(p, 3);
    const [l, lm, lp] = cells(find(t.paired.library), 3);
    const [a, am, ap] = cells(find(t.paired.accuracy), 4);
    const [c, cm, cp] = cells(find(t.paired.testLoss), 4);
    return {
      pair: `${p.arm} − ${p.reference}`,
      "Δ exact index / Shapley": e, "exact: median": em, "exact: p": ep,
      "Δ pairwise / single": l, "pairwise: median": lm, "pairwise: p": lp,
      "Δ test acc": a, "acc: median": am, "acc: p": ap,
      "Δ test loss": c, "loss: median": cm, "loss: p": cp,
    };
  });
}

/**
 * The planted check: for the exact index and for the pairwise measure, the planted pairs' ranks among every pair of
 * the planted layer, precision in the top PLANTED, copies whose best partner is their original, and the mean score of
 * planted and other pairs; the tying hints beside.
 *
 * @example
 * tslab.display.html(nb.htmlTable(nb.plantedRows(tables, SETTINGS.PLANTED)));
 */
export function plantedRows(t: MutualInformationTables, planted: number): Record<string, string>[] {
  const row = (name: string, p: MutualInformationTables["planted"]["exact"]) => ({
    score: name,
    [`in the top ${planted} (precision)`]: fmt(p.precision),
    "best partner is the original": fmt(p.partnerAccuracy),
    "mean, planted pairs": fmt(p.planted, 4),
    "mean, other pairs": fmt(p.other, 4),
    "ranks per seed": p.ranks.map((r) => `[${r.join(", ")}]`).join(" "),
  });
  return [
    row("exact Shapley interaction index", t.planted.exact),
    row("pairwise measure (joint − singles)", t.planted.library),
    {
      score: "tying hint (shared − independent draw)",
      [`in the top ${planted} (precision)`]: fmt(t.tying.plantedPrecision),
      "best partner is the original": fmt(t.tying.partnerAccuracy),
      "mean, planted pairs": fmt(t.tying.plantedHint, 4),
      "mean, other pairs": `highest other ${fmt(t.tying.nextHint, 4)}`,
      "ranks per seed": t.tying.plantedRanks.map((r) => `[${r.join(", ")}]`).join(" "),
    },
  ];
}
