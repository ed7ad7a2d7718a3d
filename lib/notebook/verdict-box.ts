/**
 * The verdict box a report opens with: the question, the answer on the fixed scale (supported / not supported /
 * mixed / inconclusive), the sentence and the numbers that carry it, and one provenance line (seeds computed now or
 * read from the cache, at which commit, in how much compute). Plain HTML with inline styles: it shows without
 * JavaScript and in any notebook viewer.
 */
import type { StudyRun } from "../studies/run-study";
import type { Answer } from "../studies/study";
import { escapeHtml } from "./table";
import { requireKnownKeys } from "../base/validate";

const COLOURS: Record<Answer, string> = {
  supported: "#1b7f3b",
  "not supported": "#b3261e",
  mixed: "#9a6700",
  inconclusive: "#555555",
};

/** The fixed scale every verdict box states, in one line. */
export const VERDICT_SCALE =
  "Scale: supported = every paired 95% interval favours the claim; not supported = a compared arm is reliably better; " +
  "mixed = reliably better than some arms and worse than others; inconclusive = the intervals neither show nor refute it.";

/**
 * The verdict box of a study run, as HTML.
 *
 * @example
 * const run = await st.runStudy(study, SETTINGS, { seeds: SEEDS, cache: !QUICK });
 * tslab.display.html(nb.verdictBox(run, { quick: QUICK }));
 */
export function verdictBox(run: Pick<StudyRun, "verdict" | "provenance" | "summary">, options: { quick?: boolean } = {}): string {
  requireKnownKeys(options, ["quick"], "verdictBox");
  const v = run.verdict;
  const quick = options.quick === true ? `<p style="margin:6px 0 0;color:#9a6700"><b>Quick setting:</b> a smoke test of the whole study, not its numbers (FULL=1 runs the study).</p>` : "";
  // The sentence often opens with the answer ("Mixed: ..."), which the box already shows in capitals.
  const prefix = `${v.answer}: `;
  const sentence = v.sentence.toLowerCase().startsWith(prefix) ? v.sentence.slice(prefix.length) : v.sentence;
  return verdictBoxHtml({
    question: v.question,
    answer: v.answer,
    sentence,
    numbers: v.numbers,
    provenanceHtml: escapeHtml(run.provenance.line),
    afterHtml: quick,
    scale: VERDICT_SCALE,
  });
}

/**
 * The box's HTML from its parts (plain text, escaped here, except `provenanceHtml` and `afterHtml`, which are HTML):
 * the one layout of {@link verdictBox} and of the report renderer's box for runs that predate the study contract
 * (scripts/render-notebook.js, `legacyVerdictBox`). `numbers` undefined leaves out the list; an unknown answer is
 * drawn in the inconclusive grey.
 *
 * @example
 * verdictBoxHtml({ question: "Q?", answer: "mixed", sentence: "yes and no", provenanceHtml: "hand-written", scale: "Scale: ..." });
 */
export function verdictBoxHtml(parts: {
  question: string;
  answer: string;
  sentence: string;
  numbers?: readonly string[];
  provenanceHtml: string;
  afterHtml?: string;
  scale: string;
}): string {
  const colour = COLOURS[parts.answer as Answer] ?? COLOURS.inconclusive;
  const numbers = parts.numbers === undefined ? "" : `\n<ul style="margin:6px 0 0 18px;padding:0">${parts.numbers.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`;
  return `<div class="antitrain-verdict" style="border-left:6px solid ${colour};background:#f7f7f7;padding:10px 14px;margin:8px 0;max-width:1100px;font-family:sans-serif;line-height:1.4">
<p style="margin:0"><b>Question.</b> ${escapeHtml(parts.question)}</p>
<p style="margin:6px 0 0"><b style="color:${colour};text-transform:uppercase">${escapeHtml(parts.answer)}</b> — ${escapeHtml(parts.sentence)}</p>${numbers}
<p style="margin:6px 0 0;font-size:90%;color:#444"><b>Provenance:</b> ${parts.provenanceHtml}</p>${parts.afterHtml ?? ""}
<p style="margin:6px 0 0;font-size:85%;color:#666">${escapeHtml(parts.scale)}</p>
</div>`;
}
