// Which spatial randomization gives more sensible channel importances on a small CNN? (issue 12, conv units)
// For each trained CNN and conv site: channel importances (loss damage, one unit randomized at a time) under every
// method × spatial mode, over 5 draw seeds; reported: their Spearman agreement with exact ablations (pooled-mean,
// per-position-mean and zero: what compress and pruning do) and their stability across draw seeds.
//   node --import tsx bench/conv-spatial.ts [MODEL_SEEDS=3]
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";

function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const rank = (v: ArrayLike<number>) => {
    const idx = Array.from({ length: v.length }, (_, i) => i).sort((i, j) => v[i] - v[j]);
    const r = new Float64Array(v.length);
    idx.forEach((i, k) => {
      r[i] = k;
    });
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = ra.length;
  const m = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - m) * (rb[i] - m);
    da += (ra[i] - m) ** 2;
    db += (rb[i] - m) ** 2;
  }
  return num / Math.sqrt(da * db);
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

function images(d: at.Dataset): at.Dataset {
  const n = d.x.shape[0];
  return { x: tf.tidy(() => tf.div(tf.reshape(d.x, [n, 8, 8, 1]), 16)), y: d.y.clone(), classes: d.classes };
}

async function main(): Promise<void> {
  const seeds = Number(process.argv[2] ?? 3);
  const backend = await at.ready({ quiet: true });
  const split = at.digits();
  const train = images(split.train);
  const test = images(split.test);
  const arms: [at.RandomizeMethod, at.SpatialMode][] = [
    ["resample", "independent"],
    ["resample", "whole-map"],
    ["resample", "per-position"],
    ["gaussian", "independent"],
    ["gaussian", "per-position"],
  ];
  const refs: [string, at.RandomizeMethod, at.SpatialMode][] = [
    ["mean", "mean", "independent"],
    ["posMean", "mean", "per-position"],
    ["zero", "zero", "independent"],
  ];
  const rows: Record<string, number[]> = {};
  const push = (key: string, v: number) => {
    rows[key] ??= [];
    rows[key].push(v);
  };
  for (let s = 0; s < seeds; s++) {
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 12, kernelSize: 3, padding: "same", activation: "relu", name: "conv1", kernelInitializer: tf.initializers.heNormal({ seed: 10 * s + 1 }) }),
        tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }),
        tf.layers.conv2d({ filters: 12, kernelSize: 3, activation: "relu", name: "conv2", kernelInitializer: tf.initializers.heNormal({ seed: 10 * s + 2 }) }),
        tf.layers.flatten({ name: "flat" }),
        tf.layers.dense({ units: 10, name: "out", kernelInitializer: tf.initializers.glorotNormal({ seed: 10 * s + 3 }) }),
      ],
    });
    const model = at.fromLayersModel(net);
    at.train(model, train, { steps: 400, batchSize: 64, learningRate: 5e-3, seed: s });
    const acc = at.evaluate(model, test).accuracy;
    console.error(`model ${s}: test accuracy ${acc.toFixed(3)}`);
    for (const site of ["conv1", "conv2"]) {
      const stats = at.collectStats(model, site, train, { seed: s });
      const ref: Record<string, Float32Array> = {};
      for (const [name, method, spatial] of refs) ref[name] = at.importance(model, site, test, { stats, method, spatial, seed: 0 }).scores;
      push(`${site} ref mean~posMean`, spearman(ref.mean, ref.posMean));
      push(`${site} ref mean~zero`, spearman(ref.mean, ref.zero));
      for (const [method, spatial] of arms) {
        const arm = `${site} ${method}/${spatial}`;
        const draws = [0, 1, 2, 3, 4].map((seed) => at.importance(model, site, test, { stats, method, spatial, seed }));
        for (const name of Object.keys(ref)) push(`${arm} ~${name}`, mean(draws.map((d) => spearman(d.scores, ref[name]))));
        const pairs: number[] = [];
        for (let i = 0; i < draws.length; i++) for (let j = i + 1; j < draws.length; j++) pairs.push(spearman(draws[i].scores, draws[j].scores));
        push(`${arm} stability`, mean(pairs));
        push(`${arm} full`, mean(draws.map((d) => d.full)));
      }
    }
    model.dispose();
  }
  console.log(JSON.stringify({ backend, seeds, results: Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, { mean: mean(v), values: v }])) }, null, 1));
}

main();
