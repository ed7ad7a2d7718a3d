// Prints a committed compression study's answer under every robust statistic (lib/studies/compression/robust.ts),
// from the seeds' curves its results file stores: nothing is re-run.
//   node --import tsx scripts/robust-statistics.ts results/04-compression.json [results/15-fashion-mnist.json ...]
import * as fs from "node:fs";
import * as path from "node:path";
import type { StudySeed } from "../lib/studies/compression-study";
import { chosenWidthGaps, robustStatistics, robustVerdicts } from "../lib/studies/compression/robust";

function fmt(x: number, digits: number): string {
  return (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(digits);
}

function report(file: string): string {
  const d = JSON.parse(fs.readFileSync(file, "utf8")) as {
    results?: StudySeed[];
    tolerance?: number;
    width?: number;
    bestVariant?: string;
    studySummary?: { details?: { width?: number } };
  };
  const width = d.studySummary?.details?.width ?? d.width;
  if (!Array.isArray(d.results) || typeof d.tolerance !== "number" || typeof width !== "number") {
    throw new Error(`${file}: not a compression study's results (needs results, tolerance and the pruned width)`);
  }
  // 16 answers for its best variant against the baselines (its verdict's pairing); the others for antitraining.
  const reference = d.bestVariant ?? "antitrain";
  const arms = d.bestVariant === undefined ? undefined : d.results[0].curves.map((c) => c.arm).filter((a) => a === reference || !a.startsWith("antitrain"));
  const stats = robustStatistics(d.results, { width, tolerance: d.tolerance, reference, arms });
  const verdicts = robustVerdicts(stats);
  const lines = [
    `### ${path.basename(file, ".json")} (${d.results.length} seeds${d.bestVariant === undefined ? "" : `; the best variant, ${reference}, against the baselines`})`,
    "",
    `| statistic | ${reference}, mean (median) | best other arm, mean | best other − ${reference} (paired, 95% CI; Wilcoxon p) | answer | reliably better than ${reference} | reliably worse |`,
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  stats.forEach(({ name, summary }, i) => {
    const digits = summary.better === "lower" ? 1 : 3;
    const anti = summary.arms.find((a) => a.arm === reference);
    const sign = summary.better === "lower" ? 1 : -1;
    const best = [...summary.paired].sort((a, b) => sign * (a.mean - b.mean))[0];
    const bestArm = summary.arms.find((a) => a.arm === best.arm);
    const v = verdicts[i];
    lines.push(
      `| ${name} | ${anti?.mean.toFixed(digits)} (${anti?.median.toFixed(digits)}) | ${best.arm} ${bestArm?.mean.toFixed(digits)} | ${fmt(best.mean, digits)} [${fmt(best.low, digits)}, ${fmt(best.high, digits)}]; p = ${best.wilcoxonP.toPrecision(2)} | ${v.answer} | ${v.better.join(", ") || "—"} | ${v.worse.join(", ") || "—"} |`,
    );
  });
  const gaps = chosenWidthGaps(d.results, { tolerance: d.tolerance });
  const points = +(100 * d.tolerance).toFixed(6);
  lines.push(
    "",
    `Test-split cost at the width each arm chose on validation (the fewest units within ${points} point${points === 1 ? "" : "s"} of the dense validation accuracy): fine-tuned test accuracy there minus the seed's dense test accuracy.`,
    "",
    `| arm | seeds with a width within ${points} point${points === 1 ? "" : "s"} (validation) | mean chosen width | test accuracy − dense (95% CI) | of those, also within ${points} point${points === 1 ? "" : "s"} on test |`,
    "| --- | --- | --- | --- | --- |",
    ...gaps.map(
      (g) =>
        `| ${g.arm} | ${g.reached} of ${g.seeds} | ${g.reached > 0 ? g.width.toFixed(1) : "—"} | ${g.reached > 0 ? `${fmt(g.gap.mean, 3)} [${fmt(g.gap.low, 3)}, ${fmt(g.gap.high, 3)}]` : "—"} | ${g.reached > 0 ? `${g.withinOnTest} of ${g.reached}` : "—"} |`,
    ),
  );
  return lines.join("\n");
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node --import tsx scripts/robust-statistics.ts results/NAME.json [...]");
  process.exit(2);
}
console.log(files.map(report).join("\n\n"));
