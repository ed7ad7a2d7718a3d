import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";
import { type TinySettings, tinyStudy } from "./fixtures/tiny-study";
import { tempDirs } from "./temp";

// runStudy on a tiny registered study: in this process, in two worker processes (the same numbers, bit for bit),
// through the seed cache (every seed read back, with its computing commit and time), and a stale record (other code)
// recomputed, never reused.
const temp = tempDirs();
const MODULE = path.join(__dirname, "fixtures", "tiny-study.ts");
const saved = { cache: process.env.ANTITRAIN_SEED_CACHE, modules: process.env.ANTITRAIN_STUDY_MODULES };
before(async () => {
  await at.ready({ quiet: true });
  process.env.ANTITRAIN_STUDY_MODULES = MODULE;
});
after(() => {
  for (const [k, v] of [["ANTITRAIN_SEED_CACHE", saved.cache], ["ANTITRAIN_STUDY_MODULES", saved.modules]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  temp.remove();
});

const settings: TinySettings = tinyStudy.settings("tiny");
const quiet = { onProgress: () => {} };

test("runStudy tunes, chooses, runs, summarizes and judges; no tensor leaked; the summary has the one shape", async () => {
  st.studyData(settings.data); // built once per process and kept: not a leak
  const tensors = tf.memory().numTensors;
  const run = await st.runStudy(tinyStudy, settings, { seeds: [0, 1, 2], tuneSeeds: [100], ...quiet });
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(run.tuning.length, 2, "one row per grid point of the one tuning seed");
  assert.ok([20, 40].includes((run.chosen as { steps: number }).steps));
  assert.deepEqual(run.results.map((r) => (r as { seed: number }).seed), [0, 1, 2]);
  assert.deepEqual(run.summary.arms.map((a) => a.arm), ["long", "short"]);
  assert.equal(run.summary.paired.length, 1);
  const pair = run.summary.paired[0];
  const diffs = run.results.map((r) => (r as { short: number }).short - (r as { long: number }).long);
  assert.ok(Math.abs(pair.mean - diffs.reduce((a, b) => a + b, 0) / 3) < 1e-12, "paired mean is the mean per-seed difference");
  assert.equal(pair.wins + pair.losses + pair.ties, 3);
  assert.ok(st.ANSWERS.includes(run.verdict.answer));
  assert.match(run.verdict.sentence, /the longer-trained arm is more accurate/);
  assert.equal(run.provenance.computed, 4, "1 tuning + 3 study seeds computed");
  assert.equal(run.provenance.cached, 0, "cache off: nothing read");
  assert.match(run.provenance.line, /^3 seeds \+ 1 tuning: 4 computed now \(this process\), 0 from the cache; computed at commit /);
  for (const s of run.provenance.seeds) assert.ok(s.wallSeconds > 0 && s.cpuSeconds > 0 && s.computedBy.includes(":"));
});

test("a seed reaches the cache as soon as it is computed: a run that fails on a later seed resumes from the finished ones", async () => {
  process.env.ANTITRAIN_SEED_CACHE = temp.make("run-study-resume-");
  const failing = { ...tinyStudy, run: (s: TinySettings, c: unknown, seed: number) => {
    if (seed === 1) throw new Error("interrupted at seed 1");
    return tinyStudy.run(s, c as never, seed);
  } } as typeof tinyStudy;
  await assert.rejects(st.runStudy(failing, settings, { seeds: [0, 1], tuneSeeds: [100], cache: true, ...quiet }), /interrupted at seed 1/);
  const resumed = await st.runStudy(tinyStudy, settings, { seeds: [0, 1], tuneSeeds: [100], cache: true, ...quiet });
  assert.equal(resumed.provenance.cached, 2, "the tuning seed and seed 0 come from the cache");
  assert.equal(resumed.provenance.computed, 1, "only seed 1 is computed again");
  delete process.env.ANTITRAIN_SEED_CACHE;
});

test("two worker processes give the in-process numbers bit for bit", async () => {
  const here = await st.runStudy(tinyStudy, settings, { seeds: [0, 1, 2], tuneSeeds: [100, 101], ...quiet });
  const there = await st.runStudy(tinyStudy, settings, { seeds: [0, 1, 2], tuneSeeds: [100, 101], workers: 2, ...quiet });
  assert.equal(JSON.stringify(there.results), JSON.stringify(here.results));
  assert.equal(JSON.stringify(there.tuning), JSON.stringify(here.tuning));
  assert.equal(there.provenance.how, "2 worker processes");
  assert.equal(new Set(there.provenance.seeds.map((s) => s.computedBy)).size > 1 || there.provenance.seeds.every((s) => !s.computedBy.endsWith(`:${process.pid}`)), true, "computed outside this process");
});

test("the cache returns every seed with its computing commit and time; a record from other code is recomputed", async () => {
  process.env.ANTITRAIN_SEED_CACHE = temp.make("run-study-cache-");
  const first = await st.runStudy(tinyStudy, settings, { seeds: [0, 1], tuneSeeds: [100], cache: true, ...quiet });
  assert.equal(first.provenance.computed, 3);
  const lines: string[] = [];
  const second = await st.runStudy(tinyStudy, settings, { seeds: [0, 1], tuneSeeds: [100], cache: true, onProgress: (l) => lines.push(l) });
  assert.equal(second.provenance.computed, 0);
  assert.equal(second.provenance.cached, 3);
  assert.equal(JSON.stringify(second.results), JSON.stringify(first.results));
  assert.deepEqual(second.provenance.seeds.map((s) => s.writtenAt).sort(), first.provenance.seeds.map((s) => s.writtenAt).sort(), "the records' own times, not now");
  assert.ok(second.provenance.computeSeconds > 0, "cached seeds report the time they took when computed");
  assert.match(second.provenance.line, /0 computed now, 3 from the cache; computed at commit [0-9a-f]{7}|unknown/);
  // The record of seed 1 as if another version of lib/ had computed it.
  const file = path.join(process.env.ANTITRAIN_SEED_CACHE, "tiny-test", "run-1.json");
  const record = JSON.parse(fs.readFileSync(file, "utf8"));
  fs.writeFileSync(file, JSON.stringify({ ...record, codeHash: "0000000000000000" }));
  const third = await st.runStudy(tinyStudy, settings, { seeds: [0, 1], tuneSeeds: [100], cache: true, onProgress: (l) => lines.push(l) });
  assert.equal(third.provenance.computed, 1, "the stale seed, and only it, was recomputed");
  assert.ok(lines.some((l) => /tiny-test seed 1: cached record computed with other code \(commit .*\); recomputing/.test(l)), lines.join("\n"));
  assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).codeHash, st.codeHash(), "the fresh record replaced it");
  // Other settings: a new key, computed afresh.
  const fourth = await st.runStudy(tinyStudy, { ...settings, grid: [40] }, { seeds: [0], tuneSeeds: [100], cache: true, ...quiet });
  assert.equal(fourth.provenance.computed, 2);
});

test("the code hash changes when one file under lib/ changes", () => {
  const root = temp.make("code-hash-");
  fs.mkdirSync(path.join(root, "lib", "core"), { recursive: true });
  fs.writeFileSync(path.join(root, "lib", "core", "a.ts"), "export const a = 1;\n");
  fs.writeFileSync(path.join(root, "lib", "b.ts"), "export const b = 2;\n");
  const before = st.codeHash(root, "lib");
  const again = temp.make("code-hash-");
  fs.cpSync(root, again, { recursive: true });
  assert.equal(st.codeHash(again, "lib"), before, "the same sources hash alike wherever they sit");
  fs.writeFileSync(path.join(again, "lib", "core", "a.ts"), "export const a = 3;\n");
  assert.notEqual(st.codeHash(again, "lib"), before);
  assert.match(st.codeHash(), /^[0-9a-f]{16}$/);
});

test("bad options and bad studies are refused with the fix", async () => {
  await assert.rejects(st.runStudy(tinyStudy, settings, { seeds: [0, 0] }), /seeds must be a list of distinct integers/);
  await assert.rejects(st.runStudy(tinyStudy, settings, { seeds: [] }), /at least one seed/);
  await assert.rejects(st.runStudy(tinyStudy, settings, { seeds: [0], workers: 0 }), /workers must be a whole number >= 1/);
  await assert.rejects(st.runStudy(tinyStudy, settings, { seeds: [0], seed: 1 } as never), /unknown|seed/);
  await assert.rejects(st.runStudy(tinyStudy, { ...settings, grid: [] }, { seeds: [0] }), /grid needs at least one step count/);
  await assert.rejects(st.runStudy(tinyStudy, settings, { seeds: [0], queue: "localhost:6379" }), /must be a Redis URL/);
  assert.throws(() => st.studyByName("no-such-study"), /unknown study "no-such-study": known studies are .*tiny-test/);
  assert.throws(() => st.defineStudy({ ...tinyStudy, name: "../x" }), /plain file name/);
  assert.throws(() => st.defineStudy({ ...tinyStudy, arms: ["a", "a"] }), /distinct names/);
});

test("summarizeScores and verdictFromSummary: intervals, medians, Wilcoxon, and each answer of the scale", () => {
  const seeds = [
    { a: 10, b: 14, c: 9 },
    { a: 12, b: 15, c: 13 },
    { a: 11, b: 17, c: 10 },
    { a: 13, b: 15, c: 12 },
    { a: 10, b: 18, c: 11 },
  ];
  const s = st.summarizeScores(seeds, { metric: "units", better: "lower", reference: "a" });
  const a = s.arms.find((x) => x.arm === "a")!;
  assert.equal(a.median, 11);
  assert.equal(a.q1, 10);
  assert.equal(a.q3, 12);
  assert.ok(Math.abs(a.mean - 11.2) < 1e-12);
  const b = s.paired.find((p) => p.arm === "b")!;
  assert.deepEqual([b.wins, b.losses, b.ties], [0, 5, 0], "b needs more units on every seed: it loses");
  assert.ok(b.low > 0);
  assert.ok(Math.abs(b.wilcoxonP - 0.0625) < 1e-9, `exact two-sided signed-rank p of 5 positive differences is 2/32, got ${b.wilcoxonP}`);
  // W+ = W− (−1, −2, +3): the doubled tail passes 1 (the library's raw 1.25), a p-value is capped at 1.
  assert.equal(st.signedRankP([-96, -128, 192]), 1);
  assert.equal(st.signedRankP([-1, -2, 3]), 1);
  const q = { question: "q?", claim: "a needs fewer units" };
  assert.equal(st.verdictFromSummary(s, { ...q, against: ["b"] }).answer, "supported");
  const partial = st.verdictFromSummary(s, q);
  assert.equal(partial.answer, "inconclusive", "c's interval includes zero");
  assert.match(partial.sentence, /a is reliably better than b on units, but not than c \(intervals include zero\)/);
  const worse = st.summarizeScores(seeds.map((x) => ({ a: x.b, b: x.a })), { metric: "units", better: "lower", reference: "a" });
  assert.equal(st.verdictFromSummary(worse, q).answer, "not supported");
  const mixed = st.summarizeScores(seeds.map((x) => ({ a: x.a, b: x.b, c: x.a - 5 })), { metric: "units", better: "lower", reference: "a" });
  assert.equal(st.verdictFromSummary(mixed, q).answer, "mixed");
  assert.throws(() => st.summarizeScores(seeds, { metric: "units", better: "lower", reference: "a", referense: "b" } as never), /unknown option "referense" of summarizeScores/);
  assert.throws(() => st.summarizeScores(seeds, { metric: "units", better: "less" as never, reference: "a" }), /better must be "lower" or "higher"/);
  assert.throws(() => st.verdictFromSummary(s, { ...q, agianst: ["b"] } as never), /unknown option "agianst" of verdictFromSummary/);
  const higher = st.summarizeScores(seeds.map((x) => ({ a: x.b, b: x.a })), { metric: "accuracy", better: "higher", reference: "a" });
  assert.equal(st.verdictFromSummary(higher, q).answer, "supported", "with higher-is-better the same numbers support a");
  const names = (r: { better: { arm: string }[]; worse: { arm: string }[] }) => [r.better.map((p) => p.arm), r.worse.map((p) => p.arm)];
  assert.deepEqual(names(st.reliableComparisons(mixed)), [["c"], ["b"]], "c reliably needs fewer units than a, b reliably more");
  assert.deepEqual(names(st.reliableComparisons(higher)), [[], ["b"]], "higher is better: b's fewer is worse");
  assert.deepEqual(names(st.reliableComparisons(s)), [[], ["b"]], "c's interval includes zero: in neither list");
});
