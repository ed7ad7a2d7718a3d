import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import * as at from "../lib/index";
import * as nb from "../lib/notebook/index";

test("cachedSeed computes once per (settings, seed), recomputes when settings change, and never caches when disabled", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-cache-"));
  process.env.ANTITRAIN_SEED_CACHE = dir;
  try {
    let calls = 0;
    const compute = () => {
      calls++;
      return { acc: 0.5 + calls };
    };
    assert.deepEqual(nb.cachedSeed("nb", { steps: 10 }, 0, true, compute), { acc: 1.5 });
    assert.deepEqual(nb.cachedSeed("nb", { steps: 10 }, 0, true, compute), { acc: 1.5 }, "second call reads the cache");
    assert.equal(calls, 1);
    assert.deepEqual(nb.cachedSeed("nb", { steps: 10 }, 1, true, compute), { acc: 2.5 }, "another seed computes");
    assert.deepEqual(nb.cachedSeed("nb", { steps: 20 }, 0, true, compute), { acc: 3.5 }, "changed settings recompute");
    assert.deepEqual(nb.cachedSeed("nb", { steps: 20 }, 0, false, compute), { acc: 4.5 }, "disabled always computes");
    assert.equal(calls, 4);
    assert.ok(fs.existsSync(path.join(dir, "nb", "seed-0.json")));
  } finally {
    delete process.env.ANTITRAIN_SEED_CACHE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("cachedSeed recomputes a record made with other numerics (backend, wasm matmul kernels); untagged records count as wasm/tfjs", async () => {
  await at.ready({ quiet: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-cache-numerics-"));
  process.env.ANTITRAIN_SEED_CACHE = dir;
  const file = path.join(dir, "nb", "seed-0.json");
  try {
    let calls = 0;
    const compute = () => ++calls;
    assert.equal(nb.cachedSeed("nb", { s: 1 }, 0, true, compute), 1);
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).numerics, at.numericsTag());
    const other = { ...JSON.parse(fs.readFileSync(file, "utf8")), numerics: "cpu" };
    fs.writeFileSync(file, JSON.stringify({ ...other, value: 99 }));
    assert.equal(nb.cachedSeed("nb", { s: 1 }, 0, true, compute), 2, "a record from other numerics is recomputed");
    const { numerics: _, ...untagged } = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify({ ...untagged, value: 77 }));
    const expected = at.numericsTag() === "wasm/tfjs" ? 77 : 3;
    assert.equal(nb.cachedSeed("nb", { s: 1 }, 0, true, compute), expected, "an untagged record is wasm/tfjs's");
  } finally {
    delete process.env.ANTITRAIN_SEED_CACHE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("prefetchSeeds computes every missing seed alone, and nothing when disabled", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-prefetch-"));
  process.env.ANTITRAIN_SEED_CACHE = dir;
  try {
    const computed: number[] = [];
    nb.prefetchSeeds("nb", { a: 1 }, [0, 1, 2], false, (s) => {
      computed.push(s);
      return s;
    });
    assert.equal(computed.length, 0, "disabled: nothing computed");
    nb.cachedSeed("nb", { a: 1 }, 1, true, () => 10);
    nb.prefetchSeeds("nb", { a: 1 }, [0, 1, 2], true, (s) => {
      computed.push(s);
      return s * 10;
    });
    assert.deepEqual(computed, [0, 2], "seed 1 was cached already");
    assert.equal(nb.cachedSeed("nb", { a: 1 }, 2, true, () => -1), 20, "the loop then reads the cache");
  } finally {
    delete process.env.ANTITRAIN_SEED_CACHE;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("two seed workers split a sweep, each computes only its share, and both end with every seed", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-shards-"));
  const script = path.join(dir, "worker.ts");
  const lib = path.resolve(__dirname, "..", "lib", "index");
  fs.writeFileSync(
    script,
    `import * as at from ${JSON.stringify(lib)};
const computed: number[] = [];
nb.prefetchSeeds("sweep", { k: 1 }, [0, 1, 2, 3, 4], true, (s) => { computed.push(s); return { seed: s }; }, { waitSeconds: 60 });
const all = [0, 1, 2, 3, 4].map((s) => nb.cachedSeed("sweep", { k: 1 }, s, true, () => { throw new Error("not cached"); }));
console.log(JSON.stringify({ computed, all }));
`,
  );
  const run = (shard: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", script], {
        env: { ...process.env, ANTITRAIN_SEED_CACHE: dir, ANTITRAIN_SEED_SHARD: shard },
        cwd: path.resolve(__dirname, ".."),
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        err += d;
      });
      child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`shard ${shard} exited ${code}: ${err}`))));
    });
  try {
    const [a, b] = await Promise.all([run("0/2"), run("1/2")]);
    const parse = (s: string) => JSON.parse(s.trim().split("\n").pop() ?? "{}");
    assert.deepEqual(parse(a).computed, [0, 2, 4]);
    assert.deepEqual(parse(b).computed, [1, 3]);
    const expected = [0, 1, 2, 3, 4].map((seed) => ({ seed }));
    assert.deepEqual(parse(a).all, expected);
    assert.deepEqual(parse(b).all, expected);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a malformed shard is refused with the expected form", () => {
  process.env.ANTITRAIN_SEED_SHARD = "2/2";
  try {
    assert.throws(() => nb.seedShard(), /must be "k\/n" with 0 <= k < n/);
  } finally {
    delete process.env.ANTITRAIN_SEED_SHARD;
  }
});
