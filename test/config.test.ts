import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { main } from "../lib/runs/cli";
import { type RunConfig, parseRunConfig } from "../lib/runs/config";
import { AntitrainError } from "../lib/base/errors";

const seed = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const int = (min: number, max: number) => fc.integer({ min, max });
const openUnit = fc.double({ min: 0, max: 1, minExcluded: true, noNaN: true });
const rate = fc.double({ min: 0, max: 10, minExcluded: true, noNaN: true });
const metric = fc.constantFrom("accuracy", "loss", "boundedLoss");

/** Any complete, valid config. */
const validConfig: fc.Arbitrary<RunConfig> = fc
  .record({
    batchSize: int(1, 65536),
    hidden: fc.array(int(1, 65536), { minLength: 1, maxLength: 16 }),
  })
  .chain(({ batchSize, hidden }) =>
    fc.record({
      task: fc.oneof(
        fc.record({ kind: fc.constant("digits" as const), test: int(1, 1796), trainLimit: fc.oneof(fc.constant(0), int(65536, 1_000_000)), splitSeed: seed }),
        fc.record({
          kind: fc.constant("teacher-student" as const),
          inputs: int(1, 4096),
          teacherHidden: int(1, 4096),
          classes: int(2, 1000),
          train: int(1, 1_000_000),
          test: int(1, 1_000_000),
          seed,
        }),
      ),
      model: fc.record({ hidden: fc.constant(hidden), activation: fc.constantFrom("relu" as const, "tanh" as const, "sigmoid" as const, "gelu" as const) }),
      sites: fc.subarray(
        hidden.map((_, i) => `h${i + 1}`),
        { minLength: 1 },
      ),
      schedule: fc.oneof(
        fc.record({ kind: fc.constant("interleaved" as const), antiSteps: int(0, 1000), cycle: int(1, 10_000_000) }),
        fc.record({ kind: fc.constant("cyclic" as const), train: int(1, 10_000_000), anti: int(0, 10_000_000) }),
      ),
      fraction: openUnit,
      reportFraction: openUnit,
      method: fc.constantFrom("gaussian" as const, "resample" as const, "mean" as const, "zero" as const),
      metric,
      rankMetric: metric,
      target: fc.constantFrom("uniform" as const, "random-labels" as const, "true-labels" as const),
      optimizer: fc.record({ kind: fc.constant("adam" as const), learningRate: rate }),
      antitrain: fc.record({ learningRate: rate, batchSize: int(1, 65536), measureSize: int(1, 1_000_000), samples: int(1, 1000) }),
      batchSize: fc.constant(batchSize),
      pretrainSteps: int(0, 10_000_000),
      steps: int(1, 10_000_000),
      seed,
      checkpointEvery: int(1, 10_000_000),
      keepCheckpoints: int(1, 100),
      evalEvery: int(0, 10_000_000),
      blowup: fc.record({ factor: fc.double({ min: 1, max: 1e12, minExcluded: true, noNaN: true }), renormalize: fc.boolean() }),
    }),
  )
  .map((c) => {
    const plain = JSON.parse(JSON.stringify(c)) as RunConfig; // plain objects, as JSON.parse makes them
    if (plain.model.kind !== "layers" && plain.model.activation !== "relu") plain.blowup.renormalize = false; // rescaling is for ReLU models only
    return plain;
  });

type Path = (string | number)[];
const show = (p: Path) => p.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");

/** Every leaf (and every array) of a config, with its path. */
function leaves(value: unknown, at: Path = []): { path: Path; value: unknown }[] {
  if (Array.isArray(value)) return [{ path: at, value }, ...value.flatMap((v, i) => leaves(v, [...at, i]))];
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  return [{ path: at, value }];
}
function objects(value: unknown, at: Path = []): Path[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [];
  return [at, ...Object.entries(value).flatMap(([k, v]) => objects(v, [...at, k]))];
}
function setAt(root: unknown, p: Path, v: unknown): void {
  let o = root as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[p[p.length - 1]] = v;
}
/** A value no leaf of this kind accepts (every number in a config is >= 0 and <= 1e12). */
function badFor(value: unknown, pick: number): unknown {
  if (typeof value === "number") return [-1, 1e13, "12", null, true, [1], Number.NaN][pick % 7];
  if (typeof value === "string") return [`not-${value}`, 3, null, ["h1"]][pick % 4];
  if (typeof value === "boolean") return ["yes", 1, null][pick % 3];
  return ["[16]", 16, null, {}][pick % 4];
}

function expectOneLineNaming(fn: () => unknown, key: string): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof AntitrainError, `${e}`);
    assert.ok(!e.message.includes("\n"), e.message);
    assert.ok(e.message.includes(`"${key}"`), `"${e.message}" should name "${key}"`);
    return true;
  });
}

test("any valid complete config parses to itself unchanged (also after a JSON round trip)", () => {
  fc.assert(
    fc.property(validConfig, (config) => {
      const copy = structuredClone(config);
      assert.deepEqual(parseRunConfig(config), copy);
      assert.deepEqual(parseRunConfig(JSON.parse(JSON.stringify(config))), copy);
      assert.deepEqual(config, copy); // the input is not mutated
    }),
    { numRuns: 300 },
  );
});

test("defaults are applied once: parsing a partial config is a fixed point", () => {
  fc.assert(
    fc.property(validConfig, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), (config, drop) => {
      const partial: Record<string, unknown> = structuredClone(config) as unknown as Record<string, unknown>;
      Object.keys(partial).forEach((k, i) => {
        if (drop[i] && k !== "steps" && k !== "model" && k !== "sites" && k !== "batchSize" && k !== "task") delete partial[k];
      });
      const once = parseRunConfig(partial);
      assert.deepEqual(parseRunConfig(JSON.parse(JSON.stringify(once))), once);
    }),
    { numRuns: 200 },
  );
  assert.deepEqual(parseRunConfig({ steps: 10 }).schedule, { kind: "interleaved", antiSteps: 1, cycle: 100 });
  assert.equal(parseRunConfig({ steps: 10 }).fraction, 0.95);
});

test("any config with one wrong value gives a one-line error naming its key", () => {
  fc.assert(
    fc.property(validConfig, fc.nat(), fc.nat(), (config, which, pick) => {
      const all = leaves(config);
      const leaf = all[which % all.length];
      const bad = structuredClone(config);
      setAt(bad, leaf.path, badFor(leaf.value, pick));
      expectOneLineNaming(() => parseRunConfig(bad), show(leaf.path));
    }),
    { numRuns: 400 },
  );
});

test("any config with an unknown key, or a missing required key, names it", () => {
  fc.assert(
    fc.property(validConfig, fc.nat(), fc.constantFrom("bogus", "__proto__", "constructor", "Steps", "hiden"), (config, which, key) => {
      const objs = objects(config);
      const at = objs[which % objs.length];
      const bad = JSON.parse(JSON.stringify(config)); // JSON.parse keeps "__proto__" as a plain own key
      const target = at.reduce((o: Record<string, unknown>, k) => o[k] as Record<string, unknown>, bad);
      Object.defineProperty(target, key, { value: 1, enumerable: true, configurable: true, writable: true });
      expectOneLineNaming(() => parseRunConfig(bad), show([...at, key]));
    }),
    { numRuns: 200 },
  );
  const { steps: _s, ...noSteps } = parseRunConfig({ steps: 5 });
  expectOneLineNaming(() => parseRunConfig(noSteps), "steps");
});

test("sites must be the model's: an unknown site lists the real ones", () => {
  assert.throws(() => parseRunConfig({ steps: 5, model: { hidden: [8, 8] }, sites: ["h3"] }), /config key "sites\[0\]": got "h3", allowed: one of the model's sites "h1", "h2"/);
  assert.throws(() => parseRunConfig({ steps: 5, fraction: 0 }), /config key "fraction": got 0, allowed: a number in \(0, 1\]/);
  assert.throws(() => parseRunConfig({ steps: 5, fraction: 1.5 }), /config key "fraction": got 1\.5/);
  assert.throws(() => parseRunConfig({ steps: 5, schedule: { kind: "sometimes" } }), /config key "schedule\.kind": got "sometimes", allowed: one of "interleaved", "cyclic"/);
  assert.throws(
    () => parseRunConfig({ steps: 5, model: { hidden: [8], activation: "tanh" }, blowup: { renormalize: true } }),
    /config key "blowup\.renormalize": got true with model\.activation "tanh", allowed: true only for "relu"/,
  );
  assert.throws(() => parseRunConfig([1, 2]), /config key "\(root\)": got \[1,2\], allowed: an object/);
});

test("the CLI prints one line (no stack trace) for an invalid config and exits with 2", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antitrain-cli-"));
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    await fc.assert(
      fc.asyncProperty(validConfig, fc.nat(), fc.nat(), async (config, which, pick) => {
        const all = leaves(config);
        const leaf = all[which % all.length];
        const bad = structuredClone(config);
        setAt(bad, leaf.path, badFor(leaf.value, pick));
        const file = path.join(dir, "bad.json");
        fs.writeFileSync(file, JSON.stringify(bad));
        errors.length = 0;
        const code = await main(["run", file, "--out", path.join(dir, "out")]);
        assert.equal(code, 2);
        assert.equal(errors.length, 1);
        const text = errors[0];
        assert.ok(!text.includes("\n") && !/\n\s+at /.test(text), text);
        assert.ok(text.startsWith(`antitrain: config key "${show(leaf.path)}"`), text);
      }),
      { numRuns: 60 },
    );
    errors.length = 0;
    fs.writeFileSync(path.join(dir, "broken.json"), '{"steps": 5,');
    assert.equal(await main(["run", path.join(dir, "broken.json")]), 2);
    assert.match(errors[0], /^antitrain: config file .*broken\.json is not valid JSON/);
    errors.length = 0;
    assert.equal(await main(["run", path.join(dir, "missing.json")]), 2);
    assert.match(errors[0], /^antitrain: cannot read config file .*missing\.json: ENOENT$/);
    errors.length = 0;
    assert.equal(await main(["run", "a.json", "--frobnicate"]), 2);
    assert.match(errors[0], /^antitrain: unknown option --frobnicate: known options are --out, --resume$/);
    errors.length = 0;
    assert.equal(await main(["fly"]), 2);
    assert.match(errors[0], /^antitrain: unknown command "fly"/);
    assert.equal(fs.existsSync(path.join(dir, "out")), false, "an invalid config must not create the run folder");
  } finally {
    console.error = original;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
