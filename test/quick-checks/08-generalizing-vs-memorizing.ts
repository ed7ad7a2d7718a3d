import { strict as assert } from "node:assert";

const ARMS = ["plain", "antitrain, training core", "antitrain, held-out core", "example-tied dropout", "plain on train + held-out"];
const RANKINGS = ["randomization, train vs held-out", "gradient, train vs held-out", "gradient, noisy vs clean", "random"];

/**
 * Key numbers of 08-generalizing-vs-memorizing's quick run (one seed, one tuning seed) that any correct run must
 * show: every configuration of every arm tuned on the tuning seed and the chosen one in its grid; the analysed plain
 * model fits the clean labels and memorizes most wrong ones; the four roles partition the layer and every unit share
 * sums to 1; each ranking's ablation is measured against the unablated model (forgotten and costs are differences
 * from it), and the randomization ranking's "memorizing" units hold more wrong labels than random units; every arm
 * spends the same updates and scores far above chance (0.1).
 */
// biome-ignore lint/suspicious/noExplicitAny: results JSON as the notebook wrote it
export function check(r: any): void {
  assert.equal(r.quick, true);
  assert.equal(r.results.length, r.seeds.length);
  const s0 = r.settings;
  const hidden = s0.hidden;
  const configs = ARMS.reduce((n, arm) => n + s0.grid[arm].length, 0);
  assert.equal(r.tuning.length, configs * r.tuneSeeds.length, "every configuration of every arm on every tuning seed");
  for (const arm of ARMS) assert.ok(s0.grid[arm].some((g: object) => JSON.stringify(g) === JSON.stringify(r.chosen[arm])), `${arm}: chosen from its grid`);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  for (const s of r.results) {
    const roles = s.roles;
    assert.equal(roles.generalizing + roles.memorizing + roles.mixed + roles.inert, hidden, "every unit has one role");
    assert.ok(roles.generalizing >= 1 && roles.memorizing >= 1, `both kinds of unit exist: ${JSON.stringify(roles)}`);
    assert.equal(s.roleList.length, hidden);
    for (const k of ["trainShare", "heldOutShare", "gradientNoisyShare", "gradientCleanShare"]) {
      assert.equal(s[k].length, hidden);
      assert.ok(Math.abs(sum(s[k]) - 1) < 1e-6, `${k} sums to 1`);
    }
    assert.ok(s.none.cleanFit > 0.95, `the analysed plain model fits the clean labels: ${s.none.cleanFit}`);
    assert.ok(s.none.noisyFit > 0.7, `the analysed plain model memorizes the wrong labels: ${s.none.noisyFit}`);

    const byRanking = (k: number) => Object.fromEntries(s.ablations.filter((a: { k: number }) => a.k === k).map((a: { ranking: string }) => [a.ranking, a]));
    for (const k of s0.ablate) {
      const ab = byRanking(k);
      assert.deepEqual(Object.keys(ab), RANKINGS, `every ranking ablated at ${k} units`);
      for (const a of Object.values(ab) as { noisyFit: number; cleanFit: number; testAcc: number; forgotten: number; cleanCost: number; testCost: number }[]) {
        assert.ok(Math.abs(a.forgotten - (s.none.noisyFit - a.noisyFit)) < 1e-9, "forgotten = unablated − ablated wrong-label fit");
        assert.ok(Math.abs(a.cleanCost - (s.none.cleanFit - a.cleanFit)) < 1e-9 && Math.abs(a.testCost - (s.none.testAcc - a.testAcc)) < 1e-9);
      }
      assert.ok(ab["randomization, train vs held-out"].forgotten > ab.random.forgotten, `at ${k}: the "memorizing" units hold more wrong labels than random units`);
    }

    assert.deepEqual(s.outcomes.map((o: { arm: string }) => o.arm), ARMS);
    for (const o of s.outcomes) {
      assert.equal(o.updates, s0.steps, `${o.arm}: the same update budget`);
      assert.ok(o.testAcc > 0.7 && o.testAcc <= 1, `${o.arm}: test accuracy ${o.testAcc} (chance 0.1)`);
      assert.ok(o.noisyFit >= 0 && o.noisyFit <= 1 && o.cleanFit > 0.9, `${o.arm}: fits ${o.noisyFit} / ${o.cleanFit}`);
    }
    const tied = s.outcomes.find((o: { arm: string }) => o.arm === "example-tied dropout");
    assert.ok(tied.noisyFitOwnUnits >= tied.noisyFit, "example-tied dropout fits its wrong labels with their own memorization units on, not with them dropped");
  }
}
