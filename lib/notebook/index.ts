/**
 * `antitrain/notebook`: helpers for the notebooks. Inline Plotly charts (the bundle inlined from node_modules, with a
 * static image fallback), HTML tables, the provenance line every notebook prints first, the per-seed result cache,
 * `keep` for tensors that outlive a cell, and the compression study's tables and charts.
 *
 * @example
 * import * as tslab from "tslab";
 * import { axes, chart, plotlyScript } from "antitrain/notebook";
 * tslab.display.html(plotlyScript());
 * tslab.display.html(chart([{ x: [1, 2, 3], y: [0.9, 0.8, 0.5], type: "scatter" }], axes("units kept", "accuracy")));
 */
export { plotlyScript, chart, axes, CHART_TYPES, type PlotlyObject } from "./plot";
export { tableConfig, htmlTable } from "./table";
export { provenance, quickNote, RUN_TIME_MARK, type ProvenanceOptions } from "./provenance";
export { cachedSeed, prefetchSeeds, seedShard } from "./seed-cache";
export { keep, type Disposable } from "./keep";
export { compressionTableRows, tuningTableRows, compressionCharts } from "./compression-report";
export { concentrationTableRows, concentrationTuningRows, concentrationCharts } from "./concentration-report";
export { resultsPath, writeResults, isFullRun, writeJsonAtomic, readJson } from "../base/io";
export {
  compressionSettingsTable,
  compressionArmsTable,
  compressionTuningTable,
  compressionDenseLine,
  compressionSummaryTable,
  compressionStudyCharts,
  compressionCoreLine,
  compressionVariantsLine,
  type CompressionRun,
} from "./compression-study-report";
