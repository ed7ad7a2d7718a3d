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
  const colour = COLOURS[v.answer] ?? COLOURS.inconclusive;
  const quick = options.quick === true ? `<p style="margin:6px 0 0;color:#9a6700"><b>Quick setting:</b> a smoke test of the whole study, not its numbers (FULL=1 runs the study).</p>` : "";
  const numbers = v.numbers.map((n) => `<li>${escapeHtml(n)}</li>`).join("");
  return `<div class="antitrain-verdict" style="border-left:6px solid ${colour};background:#f7f7f7;padding:10px 14px;margin:8px 0;max-width:1100px;font-family:sans-serif;line-height:1.4">
<p style="margin:0"><b>Question.</b> ${escapeHtml(v.question)}</p>
<p style="margin:6px 0 0"><b style="color:${colour};text-transform:uppercase">${escapeHtml(v.answer)}</b> — ${escapeHtml(v.sentence)}</p>
<ul style="margin:6px 0 0 18px;padding:0">${numbers}</ul>
<p style="margin:6px 0 0;font-size:90%;color:#444"><b>Provenance:</b> ${escapeHtml(run.provenance.line)}</p>${quick}
</div>`;
}
