import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..");

test("importing the main entry loads no BullMQ or Redis client module (they load when a Redis sweep starts)", () => {
  const probe = `require(${JSON.stringify(path.join(root, "lib", "index.ts"))});
const loaded = Object.keys(require.cache);
console.log(JSON.stringify({ bullmq: loaded.filter((k) => k.includes("/bullmq/")).length, ioredis: loaded.filter((k) => k.includes("/ioredis/")).length, total: loaded.length }));`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "-e", probe], { cwd: root, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const counts = JSON.parse(run.stdout.trim().split("\n").pop() as string);
  assert.equal(counts.bullmq, 0, "no BullMQ module");
  assert.equal(counts.ioredis, 0, "no ioredis module");
  assert.ok(counts.total > 10, "the library itself was loaded");
});

/** What each subpath entry exports (values; types are checked by tsc). */
const RUNS = [
  "MEASURE_ROWS",
  "buildTask",
  "cli",
  "expandSweep",
  "latestCheckpoint",
  "listCheckpoints",
  "measureModel",
  "modelFileHash",
  "parseRunConfig",
  "readCheckpoint",
  "readResults",
  "redisConnection",
  "renderMeasureReport",
  "restoreOptimizer",
  "runFromConfig",
  "runJob",
  "runSweepLocal",
  "runSweepRedis",
  "saveOptimizer",
  "serveSweepJobs",
  "storeResult",
  "writeCheckpoint",
];
const NOTEBOOK = [
  "CHART_TYPES",
  "GROK_COLORS",
  "HEAD_ARM_COLORS",
  "RUN_TIME_MARK",
  "VERDICT_SCALE",
  "adaptiveLrCurvesChart",
  "adaptiveLrPairedRows",
  "adaptiveLrTableRows",
  "adaptiveLrTuningRows",
  "adaptiveLrVersusRows",
  "axes",
  "chart",
  "chartSnippet",
  "compressionArmsTable",
  "compressionCharts",
  "compressionCoreLine",
  "compressionDemoView",
  "compressionDenseLine",
  "compressionSettingsTable",
  "compressionStudyCharts",
  "compressionSummaryTable",
  "compressionTableRows",
  "compressionTuningTable",
  "compressionVariantsLine",
  "concentrationCharts",
  "concentrationTableRows",
  "concentrationTuningRows",
  "conceptFlowChart",
  "conceptLossChart",
  "conceptTableRows",
  "convArmLines",
  "convCompressionCharts",
  "convCoreLine",
  "convTuningRows",
  "coreLogChart",
  "exactRows",
  "grokCurvesChart",
  "grokRoleCharts",
  "grokTestChart",
  "groupQuestion",
  "headSeedsChart",
  "htmlTable",
  "importanceView",
  "interactionHeatmaps",
  "interactionRows",
  "isFullRun",
  "keep",
  "layerCoresView",
  "localizationChosenRows",
  "localizationFlowChart",
  "localizationSweepCharts",
  "localizationTableRows",
  "localizationTuningRows",
  "membershipHeatmap",
  "memorizationAblationRows",
  "memorizationOutcomeChart",
  "memorizationRankingChart",
  "memorizationRoleRows",
  "memorizationUnitsChart",
  "multilayerCharts",
  "multilayerDenseRows",
  "multilayerHeadline",
  "multilayerPerSeedRows",
  "multilayerTableRows",
  "multilayerTuningRows",
  "mutualInformationPairedRows",
  "mutualInformationTuningRows",
  "plantedRows",
  "plotlyScript",
  "probeChart",
  "probeRows",
  "provenance",
  "quickNote",
  "randomizationAgreementChart",
  "randomizationBranchCharts",
  "randomizationBranchRows",
  "randomizationStatisticRows",
  "randomizationUnitRows",
  "readJson",
  "readableLogAxes",
  "reattachmentRows",
  "regularizationCharts",
  "regularizationPairedRows",
  "regularizationTableRows",
  "resultsPath",
  "schedulesCharts",
  "schedulesTableRows",
  "schedulesTuningRows",
  "shapeCharts",
  "shapePairedRows",
  "shapeTableRows",
  "shapeTuningRows",
  "tableConfig",
  "tuningTableRows",
  "tyingHintsView",
  "tyingRows",
  "verdictBox",
  "widthChart",
  "widthGrowthLine",
  "widthTableRows",
  "writeJsonAtomic",
  "writeResults",
];

// The built package as a user installs it: a folder whose node_modules/antitrain links to this repository, so Node
// resolves "antitrain", "antitrain/studies", "antitrain/runs" and "antitrain/notebook" through package.json's "exports" into dist/.
describe("the package's entry points (built dist/, resolved through package.json's exports)", () => {
  let user = "";
  before(() => {
    assert.ok(
      fs.existsSync(path.join(root, "dist", "runs", "index.js")) && fs.existsSync(path.join(root, "dist", "notebook", "index.d.ts")),
      "dist/ lacks the subpath entries: run `npm run build` first (npm test does)",
    );
    user = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-entry-"));
    fs.mkdirSync(path.join(user, "node_modules"));
    fs.symlinkSync(root, path.join(user, "node_modules", "antitrain"), "dir");
  });
  after(() => fs.rmSync(user, { recursive: true, force: true }));

  /** Runs a CommonJS snippet with plain Node (no tsx) in the user's folder; returns the JSON it printed last. */
  function inUserFolder(code: string): Record<string, unknown> {
    const run = spawnSync(process.execPath, ["-e", code], { cwd: user, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout.trim().split("\n").pop() as string);
  }

  test("each entry resolves by the package's own name to its file in dist/, and dist/ is not reachable otherwise", () => {
    const got = inUserFolder(`const out = {};
for (const s of ["antitrain", "antitrain/studies", "antitrain/runs", "antitrain/notebook", "antitrain/package.json"]) out[s] = require.resolve(s);
try { require.resolve("antitrain/dist/runs/cli"); out.deep = "resolved"; } catch (e) { out.deep = e.code; }
console.log(JSON.stringify(out));`);
    assert.equal(got.antitrain, path.join(root, "dist", "index.js"));
    assert.equal(got["antitrain/studies"], path.join(root, "dist", "studies", "index.js"));
    assert.equal(got["antitrain/runs"], path.join(root, "dist", "runs", "index.js"));
    assert.equal(got["antitrain/notebook"], path.join(root, "dist", "notebook", "index.js"));
    assert.equal(got["antitrain/package.json"], path.join(root, "package.json"));
    assert.equal(got.deep, "ERR_PACKAGE_PATH_NOT_EXPORTED", "only the declared entries are exported");
  });

  test("antitrain/notebook exports the notebook helpers and loads no BullMQ, Redis client or run module", () => {
    const got = inUserFolder(`const nb = require("antitrain/notebook");
const loaded = Object.keys(require.cache);
console.log(JSON.stringify({ keys: Object.keys(nb).sort(), bullmq: loaded.filter((k) => k.includes("/bullmq/")).length,
  ioredis: loaded.filter((k) => k.includes("/ioredis/")).length, runs: loaded.filter((k) => k.includes("/dist/runs/")).length,
  chart: nb.chart([{ x: [1], y: [2] }], nb.axes("x", "y")).includes("antitrain-chart") }));`);
    assert.deepEqual(got.keys, NOTEBOOK);
    assert.equal(got.bullmq, 0, "no BullMQ module");
    assert.equal(got.ioredis, 0, "no ioredis module");
    assert.equal(got.runs, 0, "no module of lib/runs");
    assert.equal(got.chart, true, "a chart renders");
  });

  test("antitrain/runs exports the run tools and loads BullMQ only when a Redis sweep starts", () => {
    const got = inUserFolder(`const runs = require("antitrain/runs");
const loaded = Object.keys(require.cache);
console.log(JSON.stringify({ keys: Object.keys(runs).sort(), bullmq: loaded.filter((k) => k.includes("/bullmq/")).length,
  redis: runs.redisConnection("redis://example:7000/2") }));`);
    assert.deepEqual(got.keys, RUNS);
    assert.equal(got.bullmq, 0, "no BullMQ module at import");
    assert.deepEqual(got.redis, { host: "example", port: 7000, db: 2, maxRetriesPerRequest: null });
  });

  test("the main entry is the research API: no name of the studies, runs or notebook entries", () => {
    const got = inUserFolder(`const main = require("antitrain"), subs = [require("antitrain/studies"), require("antitrain/runs"), require("antitrain/notebook")];
const shared = subs.flatMap((m) => Object.keys(m).filter((k) => k in main));
console.log(JSON.stringify({ shared, mlp: typeof main.mlp, findCore: typeof main.findCore, runStudy: typeof main.runStudy, STUDIES: typeof require("antitrain/studies").STUDIES }));`);
    assert.deepEqual(got.shared, [], "names the main entry shares with a subpath entry");
    assert.equal(got.mlp, "function");
    assert.equal(got.findCore, "function");
    assert.equal(got.runStudy, "undefined", "studies come from antitrain/studies");
    assert.equal(got.STUDIES, "object");
  });

  test("TypeScript resolves each entry's types under node10 (typesVersions), node16 and bundler resolution (exports)", () => {
    const from = path.join(user, "index.ts");
    const settings: [string, ts.CompilerOptions][] = [
      ["node10", { moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS }],
      ["node16", { moduleResolution: ts.ModuleResolutionKind.Node16, module: ts.ModuleKind.Node16 }],
      ["bundler", { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ES2022 }],
    ];
    for (const [name, options] of settings) {
      for (const [specifier, file] of [
        ["antitrain", "index.d.ts"],
        ["antitrain/studies", "studies/index.d.ts"],
        ["antitrain/runs", "runs/index.d.ts"],
        ["antitrain/notebook", "notebook/index.d.ts"],
      ]) {
        const resolved = ts.resolveModuleName(specifier, from, options, ts.sys).resolvedModule;
        assert.equal(resolved?.resolvedFileName, path.join(root, "dist", file), `${specifier} under ${name} resolution`);
      }
    }
  });
});

test("the main entry holds at most about 200 names (types included), none from studies, runs or notebook helpers", () => {
  const program = ts.createProgram([path.join(root, "lib", "index.ts")], { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(path.join(root, "lib", "index.ts")) as ts.SourceFile;
  const names = checker.getExportsOfModule(checker.getSymbolAtLocation(file) as ts.Symbol).map((s) => s.name);
  assert.ok(names.length <= 215, `the root exports ${names.length} names`);
  const source = fs.readFileSync(path.join(root, "lib", "index.ts"), "utf8");
  assert.doesNotMatch(source, /from "\.\/(studies|runs|notebook)\//, "no study, runs or notebook module re-exported at the root");
});
