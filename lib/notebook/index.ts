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
export { plotlyScript, chart, chartSnippet, readableLogAxes, axes, CHART_TYPES, type PlotlyObject } from "./plot";
export { tableConfig, htmlTable } from "./table";
export { provenance, quickNote, RUN_TIME_MARK, type ProvenanceOptions } from "./provenance";
export { keep, type Disposable } from "./keep";
export { compressionTableRows, tuningTableRows, compressionCharts } from "./compression-report";
export { randomizationBranchRows, randomizationAgreementChart, randomizationBranchCharts, randomizationStatisticRows, randomizationUnitRows } from "./randomization-report";
export { memorizationRoleRows, memorizationAblationRows, memorizationUnitsChart, memorizationOutcomeChart, memorizationRankingChart } from "./memorization-report";
export { interactionHeatmaps, interactionRows, exactRows, groupQuestion, tyingRows, tyingHintsView, mutualInformationTuningRows, mutualInformationPairedRows, plantedRows } from "./mutual-information-report";
export { regularizationTableRows, regularizationPairedRows, regularizationCharts } from "./regularization-report";
export { schedulesTuningRows, schedulesTableRows, reattachmentRows, schedulesCharts, membershipHeatmap } from "./schedules-report";
export { importanceView, layerCoresView, coreLogChart, compressionDemoView, convTuningRows, convArmLines, convCoreLine, convCompressionCharts, type LayerCore, type CompressionDemo } from "./your-model-report";
export { concentrationTableRows, concentrationTuningRows, concentrationCharts } from "./concentration-report";
export { conceptTableRows, conceptFlowChart, conceptLossChart } from "./concepts-report";
export { localizationTableRows, localizationChosenRows, localizationTuningRows, localizationFlowChart, localizationSweepCharts, type LocalizationRun } from "./localization-report";
export { adaptiveLrTuningRows, adaptiveLrTableRows, adaptiveLrPairedRows, adaptiveLrVersusRows, adaptiveLrCurvesChart } from "./adaptive-lr-report";
export { shapeTableRows, shapePairedRows, shapeTuningRows, shapeCharts } from "./activation-shapes-report";
export { probeRows, probeChart, widthTableRows, widthGrowthLine, widthChart } from "./concentration-studies-report";
export { multilayerTuningRows, multilayerDenseRows, multilayerTableRows, multilayerHeadline, multilayerPerSeedRows, multilayerCharts } from "./multilayer-report";
export { resultsPath, writeResults, isFullRun, writeJsonAtomic, readJson } from "../base/io";
export { verdictBox, VERDICT_SCALE } from "./verdict-box";
export { GROK_COLORS, grokCurvesChart, grokRoleCharts, grokTestChart } from "./grokking-report";
export { HEAD_ARM_COLORS, headSeedsChart } from "./transformer-compression-report";
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
