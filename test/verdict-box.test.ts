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

test("verdictBoxHtml: the one box layout; without numbers no list, text escaped, provenance HTML kept, unknown answers grey", async () => {
  const { verdictBoxHtml } = await import("../lib/notebook/verdict-box");
  const html = verdictBoxHtml({ question: "a <b>?", answer: "odd", sentence: "s & t", provenanceHtml: "<code>x</code>", scale: "Scale: <1>" });
  assert.doesNotMatch(html, /<ul/);
  assert.match(html, /a &lt;b&gt;\?/);
  assert.match(html, /— s &amp; t<\/p>/);
  assert.match(html, /<b>Provenance:<\/b> <code>x<\/code>/);
  assert.match(html, /Scale: &lt;1&gt;/);
  assert.match(html, /border-left:6px solid #555555/);
  const withNumbers = verdictBoxHtml({ question: "q", answer: "supported", sentence: "s", numbers: ["1 < 2"], provenanceHtml: "p", scale: "x" });
  assert.match(withNumbers, /<li>1 &lt; 2<\/li>/);
  assert.match(withNumbers, /#1b7f3b/);
});
