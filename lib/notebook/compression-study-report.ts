/**
 * What the compression studies' notebooks (04, 15, 16, 17) show of a `runStudy` run: the settings, the arms, the
 * tuning table, the dense model, the summary table, the charts (with the concentration chart where cores were
 * measured) and notebook 16's best variant against the best reference, each one call.
 */
import { type Interval, meanCI } from "../base/statistics";
import { chooseSettings, type StudySeed, type TuneRow } from "../studies/compression-study";
import { type CompressionChoice, type CompressionSettings, compressionSetup, compressionWidth } from "../studies/compression/settings";
import { bestVariantAndReference, compressionDetails } from "../studies/compression/summary";
import type { StudyRun } from "../studies/run-study";
import { interval } from "../studies/summary";
import { compressionCharts, compressionTableRows, tuningTableRows } from "./compression-report";
import { axes, chart } from "./plot";
import { htmlTable } from "./table";

/** A compression study's run, as `runStudy` returns it. */
export type CompressionRun = StudyRun<CompressionSettings, CompressionChoice, StudySeed, TuneRow>;

const ci = (i: Interval, d = 1) => interval(i, d);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The settings' main knobs as an HTML table (knob, value, meaning), for the notebook's settings cell.
 *
 * @example
 * tslab.display.html(nb.compressionSettingsTable(SETTINGS));
 */
export function compressionSettingsTable(settings: CompressionSettings): string {
  const rows: [string, unknown, string][] = [
    ["data", settings.data, "the data description every process rebuilds (validation: the share held out for every choice)"],
    ["hidden, site", `${JSON.stringify(settings.hidden)}, ${settings.site}`, "the MLP's hidden widths and the pruned layer"],
    ["pretrain", settings.pretrain, "plain Adam steps shared by every arm"],
    ["updates", settings.updates, "optimizer updates per arm after pretraining (antitraining: half train, half antitrain)"],
    ["cycle", settings.cycle, "antitraining re-measures its core every cycle training steps"],
    ["measureRows", settings.measureRows ?? "every training row", "the training rows antitraining measures its core on (a fixed seeded subset)"],
    ["finetune", settings.finetune, "fine-tuning steps after pruning, every arm alike"],
    ["keep", settings.keep.join(", "), "widths the layer is pruned to"],
    ["scratchKeep", settings.scratchKeep.join(", "), "widths of the small networks trained from scratch"],
    ["tolerance, refK", `${settings.tolerance}, ${settings.refK}`, "'within tolerance of the dense validation accuracy'; the fixed-width comparison"],
    ["grids", Object.entries(settings.grids).map(([m, g]) => `${m}: ${g.map((s) => JSON.stringify(s)).join(" ")}`).join("; "), "each tuned method's settings (chosen on the tuning seeds' validation split)"],
  ];
  // Values as text, left-aligned: a right-aligned number sits at the far end of a column as wide as the grids row.
  return htmlTable(rows.map(([knob, value, meaning]) => ({ knob, value: typeof value === "string" ? value : typeof value === "number" ? String(value) : JSON.stringify(value), meaning })));
}

/**
 * The arms as an HTML table: training method, the unit order it prunes by, and the grid it is tuned from.
 *
 * @example
 * tslab.display.html(nb.compressionArmsTable(SETTINGS));
 */
export function compressionArmsTable(settings: CompressionSettings): string {
  return htmlTable(
    settings.arms.map((a) => ({
      arm: a.name,
      "training method": a.method,
      "unit order": a.order,
      "tuned as": a.tuneAs ?? "",
      grid: a.tuneAs === undefined ? "" : (settings.grids[a.tuneAs] ?? []).map((g) => JSON.stringify(g)).join(" "),
    })),
  );
}

/**
 * The tuning table (every grid setting's mean units and small-width accuracy on the tuning seeds, the chosen one
 * marked) as HTML with its caption.
 *
 * @example
 * tslab.display.html(nb.compressionTuningTable(run));
 */
export function compressionTuningTable(run: CompressionRun): string {
  const { table } = chooseSettings(run.settings.grids, run.tuning);
  const single = Object.values(run.settings.grids).every((g) => g.length === 1);
  const caption = `Tuning grid on seeds ${run.tuneSeeds.join(", ")}, validation split${single ? " (one setting per grid: nothing is tuned)" : ""}`;
  return htmlTable(tuningTableRows(table), { caption });
}

/**
 * The dense model (plain training, unpruned) on the test split: accuracy, cross-entropy and ECE over the seeds.
 *
 * @example
 * console.log(nb.compressionDenseLine(run));   // dense (plain, unpruned, 128 units in h1): test accuracy 0.976 [...], ...
 */
export function compressionDenseLine(run: CompressionRun): string {
  const r = run.results;
  const hidden = run.settings.hidden.length === 1 ? `${run.settings.hidden[0]} units` : `${run.settings.hidden.join("→")} hidden units`;
  return `dense (plain, unpruned, ${hidden}): test accuracy ${ci(meanCI(r.map((x) => x.denseTest)), 3)}, loss ${ci(meanCI(r.map((x) => x.denseTestLoss)), 3)}, ECE ${ci(meanCI(r.map((x) => x.denseEce)), 3)}`;
}

/**
 * The summary table (per arm: units within tolerance, the paired difference to antitraining, test numbers at that
 * size, the fixed-width comparison, the 95% core before pruning where measured) as HTML with its caption.
 *
 * @example
 * tslab.display.html(nb.compressionSummaryTable(run, QUICK));
 */
export function compressionSummaryTable(run: CompressionRun, quick: boolean): string {
  const d = compressionDetails(run.summary);
  const caption =
    `${plural(run.seeds.length, "seed")}; mean [95% CI]; tolerance ${+(100 * run.settings.tolerance).toFixed(6)} point; an arm with no width within it counts as ${d.width} units (the dense layer); ` +
    `iterative magnitude pruning's "no fine-tuning" is after its own rounds${quick ? "; quick setting: a smoke test, not the study's numbers" : ""}`;
  return htmlTable(compressionTableRows(d.summary, d.refK), { caption });
}

/**
 * The study's charts (HTML): accuracy against units kept after fine-tuning and right after pruning, the paired
 * difference in units to antitraining, and, where cores were measured, each arm's 95% core before pruning.
 *
 * @example
 * for (const html of nb.compressionStudyCharts(run)) tslab.display.html(html);
 */
export function compressionStudyCharts(run: CompressionRun): string[] {
  const { summary, width } = compressionDetails(run.summary);
  const charts = compressionCharts(compressionSetup(run.settings), run.results, summary);
  const cores = summary.filter((x) => !Number.isNaN(x.core95.mean));
  if (cores.length === 0) return charts;
  const title = `Concentration before pruning (mean of ${plural(run.seeds.length, "seed")}, 95% CI)`;
  const core = chart(
    [{
      type: "bar", x: cores.map((x) => x.arm), y: cores.map((x) => x.core95.mean),
      error_y: { type: "data", symmetric: false, array: cores.map((x) => x.core95.high - x.core95.mean), arrayminus: cores.map((x) => x.core95.mean - x.core95.low) },
    }],
    { ...axes("arm", `95% core of the unpruned ${run.settings.site} (units of ${width}, validation)`, title), margin: { l: 70, t: 50, r: 20, b: 170 }, height: 480 },
  );
  return [...charts, core];
}

/**
 * Each arm's unpruned 95% core on the validation split, for every arm that measured one (antitraining first; the
 * plain importance arm called "plain"); arms without a core (pruning, small from scratch) are left out.
 *
 * @example
 * console.log(nb.compressionCoreLine(run));   // 95% core before pruning (validation), units of 256: antitrain 41.0 [...], plain 60.0 [...]
 */
export function compressionCoreLine(run: CompressionRun): string {
  const { summary } = compressionDetails(run.summary);
  const measured = summary.filter((x) => x.core95.n > 0 && Number.isFinite(x.core95.mean));
  const ordered = [...measured.filter((x) => x.arm === "antitrain"), ...measured.filter((x) => x.arm !== "antitrain")];
  const cores = ordered.map((x) => `${x.arm === "plain, importance" ? "plain" : x.arm} ${ci(x.core95)}`).join(", ");
  return `95% core before pruning (validation), units of ${compressionWidth(run.settings)}: ${cores || "no arm measured one"}`;
}

/**
 * Notebook 16's comparison: the best antitraining variant and the best other arm, by mean units within tolerance.
 *
 * @example
 * console.log(nb.compressionVariantsLine(run));   // best antitraining variant: …, 52.4 [...] units; best reference: …
 */
export function compressionVariantsLine(run: CompressionRun): string {
  const { bestVariant, bestReference } = bestVariantAndReference(compressionDetails(run.summary).summary);
  return `best antitraining variant: ${bestVariant.arm}, ${ci(bestVariant.units)} units; best reference: ${bestReference.arm}, ${ci(bestReference.units)} units`;
}
