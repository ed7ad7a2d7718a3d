/**
 * Charts of notebook 10's studies: accuracy (modular addition) or test loss (char-LM) against units kept per site
 * and ranking, against the compressed model's parameters, and the language model's training curve.
 */
import { meanCI } from "../base/statistics";
import type { LmSeed } from "../studies/transformer-compression/lm-seed";
import type { ModularCurve } from "../studies/transformer-compression/modular-seed";
import { UNIT_RANKINGS, type UnitRanking } from "../studies/transformer-compression/settings";
import { axes, chart, type PlotlyObject } from "./plot";

/** One colour per ranking, the same in every chart. */
export const UNIT_RANKING_COLORS: Readonly<Record<UnitRanking, string>> = { randomization: "#ef553b", magnitude: "#636efa", gradient: "#00cc96" };
const SITE_COLORS: Readonly<Record<string, string>> = { "blocks.0.attn": "#ab63fa", "blocks.0.mlp": "#ef553b", "blocks.0.resid": "#00cc96" };

/** Mean over curves of `values(c)[i]` at every grid index of the first curve. */
const meanAt = <C extends { kept: number[] }>(cs: readonly C[], values: (c: C) => readonly number[]) => cs[0].kept.map((_, i) => meanCI(cs.map((c) => values(c)[i])).mean);

/**
 * One chart per site: modular-addition test accuracy against units kept for each ranking, mean over seeds.
 *
 * @example
 * for (const html of nb.modularKeptCharts(curves, SETTINGS.sites, SETTINGS.p)) tslab.display.html(html);
 */
export function modularKeptCharts(curves: readonly ModularCurve[], sites: readonly string[], p: number): string[] {
  return sites.map((site) =>
    chart(
      UNIT_RANKINGS.map((ranking) => {
        const cs = curves.filter((c) => c.site === site && c.ranking === ranking);
        return { x: cs[0].kept, y: meanAt(cs, (c) => c.accuracy), name: ranking, mode: "lines+markers", line: { color: UNIT_RANKING_COLORS[ranking] } };
      }),
      axes("units kept (the rest replaced by their training mean = physically removed)", "test accuracy", `${site}: accuracy vs units kept, p = ${p}`),
    ),
  );
}

/**
 * Modular-addition test accuracy against the physically compressed model's parameters, one site at a time
 * (randomization ranking, mean over seeds).
 *
 * @example
 * tslab.display.html(nb.modularParamsChart(curves, SETTINGS.sites, SETTINGS.p));
 */
export function modularParamsChart(curves: readonly ModularCurve[], sites: readonly string[], p: number): string {
  return chart(
    sites.map((site) => {
      const cs = curves.filter((c) => c.site === site && c.ranking === "randomization");
      const idx = cs[0].kept.map((_, i) => i).filter((i) => cs[0].params[i] !== null);
      return {
        x: idx.map((i) => cs[0].params[i]),
        y: idx.map((i) => meanCI(cs.map((c) => c.accuracy[i])).mean),
        text: idx.map((i) => `${cs[0].kept[i]} units`),
        name: site,
        mode: "lines+markers",
        line: { color: SITE_COLORS[site] },
      };
    }),
    axes("parameters of the compressed model", "test accuracy", `Accuracy vs parameters, one site compressed at a time, p = ${p}`),
  );
}

/**
 * The char-LM's test loss during training, per seed, beside the unigram baseline's.
 *
 * @example
 * tslab.display.html(nb.lmTrainingChart(runs, LM.steps, unigram.loss, LM.evalExamples));
 */
export function lmTrainingChart(runs: readonly LmSeed[], steps: number, unigramLoss: number, evalExamples: number): string {
  const traces: PlotlyObject[] = runs.map((r) => ({ x: r.trainCurve.map((c) => c.step), y: r.trainCurve.map((c) => c.loss), name: `seed ${r.seed}`, mode: "lines+markers" }));
  traces.push({ x: [0, steps], y: [unigramLoss, unigramLoss], name: "unigram baseline", mode: "lines", line: { dash: "dot", color: "#999" } });
  return chart(traces, axes("training step (batch 64)", `test loss (nats, ${evalExamples} test windows)`, "char-LM: test loss during training"));
}

/**
 * One chart per char-LM site: test loss against units kept for each ranking (mean over seeds), with the full
 * model's loss dotted; physically compressed where the site can be removed, else mean replacement.
 *
 * @example
 * for (const html of nb.lmKeptCharts(runs, st.lmSites(2))) tslab.display.html(html);
 */
export function lmKeptCharts(runs: readonly LmSeed[], sites: readonly string[]): string[] {
  return sites.map((site) => {
    const curves = (ranking: UnitRanking) => runs.flatMap((r) => r.curves.filter((c) => c.site === site && c.ranking === ranking));
    const first = runs.flatMap((r) => r.curves.filter((c) => c.site === site));
    const clean = meanCI(runs.map((r) => r.curves.find((c) => c.site === site)?.loss.at(-1) as number)).mean;
    const how = first[0].physical ? "physically compressed, the rest's means folded into a bias" : "the rest replaced by their training mean";
    const traces: PlotlyObject[] = UNIT_RANKINGS.map((ranking) => {
      const cs = curves(ranking);
      return { x: cs[0].kept, y: meanAt(cs, (c) => c.loss), name: ranking, mode: "lines+markers", line: { color: UNIT_RANKING_COLORS[ranking] } };
    });
    traces.push({ x: [0, curves("magnitude")[0].kept.at(-1)], y: [clean, clean], name: "all units", mode: "lines", line: { dash: "dot", color: "#999" } });
    return chart(traces, axes(`units kept (${how})`, "test loss (nats)", `char-LM ${site}: test loss vs units kept`));
  });
}

/**
 * Char-LM test loss against the compressed model's parameters at every site that can be removed physically
 * (randomization ranking, mean over seeds).
 *
 * @example
 * tslab.display.html(nb.lmParamsChart(runs, st.lmSites(2)));
 */
export function lmParamsChart(runs: readonly LmSeed[], sites: readonly string[]): string {
  return chart(
    sites
      .filter((site) => runs[0].curves.find((c) => c.site === site)?.physical)
      .map((site) => {
        const cs = runs.flatMap((r) => r.curves.filter((c) => c.site === site && c.ranking === "randomization"));
        const idx = cs[0].kept.map((_, i) => i).filter((i) => cs[0].params[i] !== null);
        return {
          x: idx.map((i) => cs[0].params[i]),
          y: idx.map((i) => meanCI(cs.map((c) => c.loss[i])).mean),
          text: idx.map((i) => `${cs[0].kept[i]} units`),
          name: site,
          mode: "lines+markers",
        };
      }),
    axes("parameters of the compressed model", "test loss (nats)", "char-LM: test loss vs parameters, one site compressed at a time"),
  );
}
