// The baseline pilot behind notebook 09's choice of training fraction at p = 59: plain-recipe grokking runs on
// seeds 0 and 1 (the notebook's model, AdamW lr 1e-2, weight decay 1.0), printing when test and training accuracy
// reach 95%.
//   node --import tsx scripts/grok-pilot.ts            # p = 59, 50% of the pairs train, at most 2000 steps
//   P=59 FRAC=0.4 STEPS=2000 node --import tsx scripts/grok-pilot.ts
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

async function main(): Promise<void> {
  await at.ready({ quiet: true });
  const p = Number(process.env.P ?? 59);
  const steps = Number(process.env.STEPS ?? 2000);
  const task = at.modularAddition({ p, trainFraction: Number(process.env.FRAC ?? 0.5), seed: 0 });
  // The notebook's split of the other pairs into held-out and test halves.
  const rest = at.size(task.test);
  const order = new at.Rng(1).permutation(rest);
  const heldOut = at.take(task.test, order.subarray(0, Math.floor(rest / 2)));
  const test = at.take(task.test, order.subarray(Math.floor(rest / 2)));
  const model = { vocab: task.vocab, seqLen: task.seqLen, classes: p, dModel: 32, heads: 4, dMlp: 128, layers: 1, layerNorm: false };
  for (const seed of [0, 1]) {
    const r = st.grokRun({
      data: { train: task.train, heldOut, test }, model, method: "baseline", seed, steps, evalEvery: 50,
      learningRate: 1e-2, weightDecay: 1.0, beta1: 0.9, beta2: 0.98, measure: false,
    });
    const last = r.curve[r.curve.length - 1];
    console.log(`p ${p} seed ${seed}: 95% test at ${r.stepsToTarget ?? `>${steps}`}, 95% train at ${r.stepsToTrain ?? `>${steps}`}; step ${last.step} test ${last.testAccuracy.toFixed(3)} (${r.seconds.toFixed(0)} s)`);
  }
  for (const d of [task.train, task.test, heldOut, test]) at.disposeDataset(d);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
