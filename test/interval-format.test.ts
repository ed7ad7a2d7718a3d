// Intervals print one way everywhere (lib/studies/summary.ts): a single seed says it has no interval instead of
// printing a zero-width one ("0.987 [0.987, 0.987]"), and a value that rounds to zero never prints as "-0.000".
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { meanCI } from "../lib/base/statistics";
import * as nb from "../lib/notebook/index";
import * as st from "../lib/studies/index";

/** A zero-width interval ("[0.987, 0.987]", "(0.987–0.987)") or a negative zero, in any of the printed forms. */
function assertNoFakeInterval(text: string): void {
  for (const m of text.matchAll(/[[(]([-−+]?[\d.]+)(?:, |–)([-−+]?[\d.]+)[\])]/g)) {
    assert.notEqual(m[1], m[2], `"${text}" prints a zero-width interval`);
  }
  assert.doesNotMatch(text, /[-−]0\.0*(?!\d*[1-9])\b/, `"${text}" prints a negative zero`);
  assert.doesNotMatch(text, /±0\.0*\b(?![\d.]*[1-9])/, `"${text}" prints a zero half-width`);
}

test("one seed: every form says there is no interval, never a zero-width one", () => {
  const one = meanCI([0.987]);
  assert.equal(st.interval(one), "0.987 (one seed, no interval)");
  assert.equal(st.signedInterval(one), "+0.987 (one seed, no interval)");
  assert.equal(st.intervalBounds(one, 1), "one seed, no interval");
  assert.equal(st.plusMinus(one, 2, "%"), "0.99% (one seed, no interval)");
  for (const text of [st.interval(one), st.signedInterval(one), st.intervalBounds(one), st.plusMinus(one)]) assertNoFakeInterval(text);
});

test("two or more seeds print the interval, with the same digits as before", () => {
  // mean 0.85, sd 0.0707, t(1) = 12.706: half-width 12.706 · 0.0707 / √2 = 0.6353
  const two = meanCI([0.8, 0.9]);
  assert.equal(st.interval(two), "0.850 [0.215, 1.485]");
  assert.equal(st.interval(meanCI([10, 12]), 1), "11.0 [-1.7, 23.7]");
  assert.equal(st.signedInterval(meanCI([0.01, 0.02])), "+0.015 [−0.049, +0.079]");
  assert.equal(st.intervalBounds(meanCI([10, 12]), 0), "[-2, 24]");
  assert.equal(st.plusMinus(two), "0.850 ±0.635");
  // no spread over two seeds is a real zero-width interval and prints as one
  assert.equal(st.interval(meanCI([0.84, 0.84])), "0.840 [0.840, 0.840]");
});

test("a value that rounds to zero prints without a minus sign", () => {
  const tiny = { mean: -0.0001, low: -0.0004, high: 0.0002, n: 3 };
  assert.equal(st.interval(tiny), "0.000 [0.000, 0.000]");
  assert.equal(st.interval(tiny, 1), "0.0 [0.0, 0.0]");
  assert.equal(st.signedInterval(tiny), "+0.000 [+0.000, +0.000]");
  assert.equal(st.intervalBounds(tiny), "[0.000, 0.000]");
  assert.equal(st.plusMinus({ mean: -0.0001, low: -0.01, high: 0.0098, n: 3 }, 1), "0.0 ±0.0");
  assert.equal(st.interval(meanCI([-0.00004])), "0.000 (one seed, no interval)");
  assert.equal(st.signedInterval(meanCI([-0.0004])), "+0.000 (one seed, no interval)");
  assert.equal(st.signedInterval({ mean: -0.0123, low: -0.02, high: -0.004, n: 4 }), "−0.012 [−0.020, −0.004]");
});

test("the study tables print one seed without a zero-width interval", () => {
  assertNoFakeInterval(st.ciText([0.8]));
  assert.equal(st.ciText([0.8]), "0.800 (one seed, no interval)");
  const choice = {
    method: "antitrain", chosen: "a", lr: 0.1, testAcc: 0.987, ciLow: 0.987, ciHigh: 0.987, seeds: 1, trainAcc: 1, core95: 3,
    spreadHyper: 0, spreadLr: 0, worstConfig: 0.9,
  };
  const rows = nb.regularizationTableRows({ summary: [choice] } as never);
  assert.equal(rows[0]["95% CI"], "one seed, no interval");
});

test("no file in lib/ or notebooks/src/ formats an interval by hand: they all go through lib/studies/summary.ts", () => {
  const root = path.resolve(__dirname, "..");
  const summary = path.join(root, "lib", "studies", "summary.ts");
  const byHand = /(low|high)\)?\.toFixed\(|\.high - [\w.]*\)\.toFixed\(|Math\.round\([\w.]*\.(low|high)\)/;
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && p !== summary) {
        fs.readFileSync(p, "utf8").split("\n").forEach((line, i) => {
          if (byHand.test(line)) offenders.push(`${path.relative(root, p)}:${i + 1}`);
        });
      }
    }
  };
  walk(path.join(root, "lib"));
  walk(path.join(root, "notebooks", "src"));
  assert.deepEqual(offenders, [], "format intervals with st.interval, signedInterval, intervalBounds or plusMinus");
});
