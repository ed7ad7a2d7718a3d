import { strict as assert } from "node:assert";
import { before, describe, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as at from "../lib/index";
import * as st from "../lib/studies/index";

// Every registered study, on its tiny setting, through runStudy: tune (when it tunes), choose, run, summarize and
// verdict; the summary has the one shape, the verdict is on the scale, everything survives JSON, nothing leaks
// beyond the data a study keeps for the process.
before(async () => {
  await at.ready({ quiet: true });
});

const finite = (x: number) => Number.isFinite(x);

describe("every registered study keeps the contract", () => {
  for (const [name, study] of Object.entries(st.STUDIES)) {
    test(`${name}: tiny setting through runStudy`, { timeout: 300_000 }, async () => {
      assert.equal(study.name, name, "registered under its own name");
      assert.ok(study.arms.length >= 2, "a study compares at least two arms");
      for (const size of st.STUDY_SIZES) {
        const s = study.settings(size);
        assert.equal(JSON.stringify(JSON.parse(JSON.stringify(s))), JSON.stringify(s), `${size} settings are plain JSON`);
        study.check(s);
      }
      const settings = study.settings("tiny");
      // Build the study's data once (kept for the process) before counting tensors.
      await st.runStudy(study, settings, { seeds: [0], tuneSeeds: study.tune ? [100] : undefined, onProgress: () => {} });
      const tensors = tf.memory().numTensors;
      const run = await st.runStudy(study, settings, { seeds: [0, 1], tuneSeeds: study.tune ? [100] : undefined, onProgress: () => {} });
      assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
      assert.equal(run.results.length, 2);
      assert.equal(JSON.stringify(JSON.parse(JSON.stringify(run.results))), JSON.stringify(run.results), "results are plain JSON");
      const s = run.summary;
      assert.ok(study.arms.includes(s.reference), `reference ${s.reference} is an arm`);
      assert.ok(["lower", "higher"].includes(s.better));
      assert.equal(s.seeds, 2);
      assert.ok(s.arms.length >= 2 && s.arms.every((a) => study.arms.includes(a.arm)), "summary arms are study arms");
      for (const a of s.arms) assert.ok([a.mean, a.low, a.high, a.median, a.q1, a.q3].every(finite), `${a.arm}: finite statistics`);
      assert.equal(s.paired.length, s.arms.length - 1);
      for (const p of s.paired) assert.ok(p.reference === s.reference && finite(p.mean) && p.wilcoxonP >= 0 && p.wilcoxonP <= 1, `${p.arm}: paired`);
      assert.ok(s.headline.length > 20);
      assert.ok(st.ANSWERS.includes(run.verdict.answer), run.verdict.answer);
      assert.ok(run.verdict.sentence.length > 20 && run.verdict.numbers.length >= 2);
    });
  }
});
