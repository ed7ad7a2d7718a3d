import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as nb from "../lib/notebook/index";
import * as st from "../lib/studies/index";

test("the verdict box shows question, answer, sentence, numbers and provenance as plain HTML (no script), escaped", () => {
  const summary = st.summarizeScores(
    [
      { anti: 30, lasso: 16 },
      { anti: 28, lasso: 15 },
      { anti: 35, lasso: 17 },
    ],
    { metric: "units needed", better: "lower", reference: "anti" },
  );
  const verdict = st.verdictFromSummary(summary, { question: "Does <anti> need fewer units?", claim: "antitraining needs fewer units" });
  const provenance = { line: "3 seeds: 0 computed now, 3 from the cache; computed at commit abc1234; 12.0 min of compute" } as st.RunProvenance;
  const html = nb.verdictBox({ verdict, summary, provenance }, { quick: true });
  assert.equal(verdict.answer, "not supported");
  assert.match(html, /NOT SUPPORTED|not supported/);
  assert.match(html, /Does &lt;anti&gt; need fewer units\?/);
  assert.match(html, /computed at commit abc1234/);
  assert.match(html, /lasso − anti: -15\.000 \[/);
  assert.match(html, /Quick setting/);
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /not supported<\/b> — lasso is reliably better/, "the sentence without its repeated answer");
  assert.ok(html.includes(nb.VERDICT_SCALE.split(";")[0]), "the scale explained");
  assert.doesNotMatch(nb.verdictBox({ verdict, summary, provenance }), /Quick setting/);
  assert.throws(() => nb.verdictBox({ verdict, summary, provenance }, { quik: true } as never), /unknown option "quik" of verdictBox/);
});
