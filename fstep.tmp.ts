import * as at from "./dist/index";
(async () => {
  await at.ready({ quiet: true });
  const { train } = at.fashionMnist({ subsample: { train: 5000, test: 2000 }, validation: 0.2, seed: 0 });
  const dig = at.digits();
  for (const [name, data, inputs, hidden] of [["fashion", train, 784, [256]], ["fashion", train, 784, [512, 256]], ["digits", dig.train, 64, [128]]] as const) {
    const m = at.mlp({ inputs, hidden: [...hidden], classes: 10, seed: 0 });
    at.train(m, data, { steps: 20, learningRate: 1e-3, seed: 0 });
    const t0 = Date.now();
    const n = name === "digits" ? 500 : 100;
    at.train(m, data, { steps: n, learningRate: 1e-3, seed: 1 });
    console.log(process.env.ANTITRAIN_WASM_MATMUL ?? "explicit", name, inputs, hidden, ((Date.now() - t0) / n).toFixed(2), "ms/step");
    m.dispose();
  }
})();
