/**
 * Notebook 14's study as a registered Study: does a learnable activation shape between sigmoid and ReLU beat a fixed
 * ReLU, and the published learnable activations (PReLU, Swish-β), at the same budget?
 */
import type { Answer, PairedDifference, StudySummary, Verdict } from "../study";
import { defineStudy } from "../study";
import { interval, signedInterval } from "../summary";
import { type ShapeTuneRow, activationShapesSeed, chooseActivationShapes, tuneActivationShapes } from "./run-seed";
import { PEER_MODELS, SHAPE_MODELS, SHAPE_TASKS, type ShapeTask, activationShapesSettings, checkActivationShapesSettings } from "./settings";
import { SHAPE_REFERENCE, type ShapePaired, summarizeActivationShapes } from "./summarize";

const QUESTION =
  "Does a learnable activation shape between sigmoid and ReLU (t·relu + (1 − t)·sigmoid, t per layer) beat a fixed ReLU and the published learnable activations (PReLU, Swish-β) at the same budget?";

/**
 * Notebook 14's study: tuning seeds choose every model's Adam rate and starting parameter (nine configurations each:
 * rate × start 3 × 3, or nine rates for a fixed activation)
 * on a validation split of the training rows; per study seed every model of both tasks at its chosen configuration
 * (`activationShapesSeed`). The summary pairs each model's modular-addition test accuracy with the per-layer shape's;
 * `details` holds both tasks' paired test accuracy and loss, which the verdict reads.
 *
 * @example
 * const run = await st.runStudy(st.activationShapesStudy, st.activationShapesStudy.settings("quick"), { seeds: [0], tuneSeeds: [100] });
 */
export const activationShapesStudy = defineStudy({
  name: "14-activation-shapes",
  question: QUESTION,
  arms: [SHAPE_REFERENCE, ...SHAPE_MODELS.filter((m) => m !== SHAPE_REFERENCE)],
  settings: activationShapesSettings,
  check: checkActivationShapesSettings,
  tune: (s, seed): ShapeTuneRow[] => tuneActivationShapes(s, seed),
  choose: (s, rows: readonly ShapeTuneRow[]) => chooseActivationShapes(s, rows),
  run: (s, chosen, seed) => activationShapesSeed(s, chosen, seed),
  summarize: (s, results) => summarizeActivationShapes(s, results),
  verdict: activationShapesVerdict,
});

const TASK_NAME: Record<ShapeTask, string> = { digits: "the digits", modular: "modular addition" };
/** The verdict speaks of the headline task first. */
const HEADLINE_FIRST: readonly ShapeTask[] = ["modular", "digits"];

/** Where the per-layer shape stands against one other model: reliably better (the paired 95% t interval excludes 0 in its favour), worse, or neither. */
type Standing = "better" | "worse" | "tie";

function standing(p: PairedDifference, better: "higher" | "lower"): Standing {
  if (p.n < 2) return "tie";
  const sign = better === "higher" ? 1 : -1;
  // p is other − reference: the reference is better when the other is reliably worse.
  if (sign * p.high < 0 && sign * p.low < 0) return "better";
  if (sign * p.low > 0 && sign * p.high > 0) return "worse";
  return "tie";
}

/** "+0.213 [+0.162, +0.265], median +0.200, Wilcoxon p = 0.0020", as other − reference. */
function pairText(p: PairedDifference, digits = 3): string {
  return `${signedInterval(p, digits)}, median ${signedInterval({ mean: p.median, low: p.median, high: p.median, n: 1 }, digits).split(" ")[0]}, Wilcoxon p = ${p.wilcoxonP.toPrecision(2)}`;
}

/** Whether the Wilcoxon test agrees with the t interval's call at the 5% level. */
function wilcoxonFlips(p: PairedDifference, st: Standing): boolean {
  return p.n >= 2 && (st === "tie" ? p.wilcoxonP < 0.05 : p.wilcoxonP >= 0.05);
}

interface Comparison {
  readonly task: ShapeTask;
  readonly arm: string;
  readonly peer: boolean;
  readonly accuracy: PairedDifference;
  readonly loss: PairedDifference | undefined;
  readonly standing: Standing;
}

/** The per-layer shape against ReLU and against the strongest published learnable peer (highest mean test accuracy) on each task. */
function comparisons(paired: Readonly<Record<ShapeTask, ShapePaired>>): Comparison[] {
  return SHAPE_TASKS.flatMap((task) => {
    const acc = paired[task].accuracy;
    const peers = acc.arms.filter((a) => PEER_MODELS.includes(a.arm as (typeof PEER_MODELS)[number])).sort((a, b) => b.mean - a.mean);
    const arms = [{ arm: "relu", peer: false }, ...(peers.length > 0 ? [{ arm: peers[0].arm, peer: true }] : [])];
    return arms.flatMap(({ arm, peer }) => {
      const a = acc.paired.find((p) => p.arm === arm);
      if (a === undefined) return [];
      return [{ task, arm, peer, accuracy: a, loss: paired[task].loss.paired.find((p) => p.arm === arm), standing: standing(a, "higher") }];
    });
  });
}

const VERB: Record<Standing, string> = { better: "beats", worse: "loses to", tie: "ties" };

/**
 * The verdict on the question as asked, over both tasks and against both kinds of competitor: fixed ReLU and the
 * strongest published learnable peer (PReLU or Swish-β, whichever has the higher mean test accuracy on the task). On
 * test accuracy, paired per seed, the per-layer shape is "supported" if it reliably beats both on both tasks (95% t
 * interval excluding 0), "mixed" if it beats some and not others, "not supported" if it beats none and loses to some,
 * "inconclusive" if every interval includes 0. The sentence names each task and competitor ("supported against ReLU
 * but not against Swish-β"), where the Wilcoxon test disagrees with the interval, the paired test loss, and the
 * learnable-gain control when it ran.
 *
 * @example
 * activationShapesVerdict(summarizeActivationShapes(settings, results)).answer;
 */
export function activationShapesVerdict(summary: StudySummary): Verdict {
  const paired = (summary.details as { paired?: Record<ShapeTask, ShapePaired> } | undefined)?.paired;
  if (paired === undefined) {
    return { question: QUESTION, answer: "inconclusive", sentence: "Inconclusive: the summary carries no paired tables (summarize with summarizeActivationShapes).", numbers: [summary.headline, "no paired tables"] };
  }
  const cs = comparisons(paired).sort((a, b) => HEADLINE_FIRST.indexOf(a.task) - HEADLINE_FIRST.indexOf(b.task));
  const better = cs.filter((c) => c.standing === "better");
  const worse = cs.filter((c) => c.standing === "worse");
  const answer: Answer = cs.length > 0 && better.length === cs.length ? "supported" : better.length > 0 ? "mixed" : worse.length > 0 ? "not supported" : "inconclusive";
  const name = (c: Comparison) => (c.peer ? `the strongest learnable peer, ${c.arm}` : "fixed ReLU");
  const short = (c: Comparison) => (c.peer ? c.arm : "ReLU");
  // e.g. "on modular addition supported against ReLU and swish-β · layer; on the digits not against ReLU or prelu · layer (no reliable difference)"
  const clauses = HEADLINE_FIRST.map((task) => {
    const mine = cs.filter((c) => c.task === task);
    const of = (st: Standing) => mine.filter((c) => c.standing === st).map(short);
    const parts = [
      ...(of("better").length > 0 ? [`supported against ${of("better").join(" and ")}`] : []),
      ...(of("tie").length > 0 ? [`not against ${of("tie").join(" or ")} (no reliable difference)`] : []),
      ...(of("worse").length > 0 ? [`${of("worse").join(" and ")} ${of("worse").length === 1 ? "beats" : "beat"} it`] : []),
    ];
    return `on ${TASK_NAME[task]} ${parts.join(" but ")}`;
  });
  const detail = cs.map((c) => {
    const flip = wilcoxonFlips(c.accuracy, c.standing) ? ` (the Wilcoxon test ${c.standing === "tie" ? "does call it" : "does not confirm it"} at 5%)` : "";
    return `on ${TASK_NAME[c.task]} it ${VERB[c.standing]} ${name(c)}: ${short(c)} − shape test accuracy ${pairText(c.accuracy)}${flip}`;
  });
  const gain = paired.modular.accuracy.paired.find((p) => p.arm === "relu gain · layer");
  const control = gain === undefined ? "" : ` Control, ReLU with a learnable gain g·relu(z) and no shape: gain − shape test accuracy on modular addition ${pairText(gain)}.`;
  const sentence = `${answer[0].toUpperCase()}${answer.slice(1)}: ${clauses.join("; ")}. In detail, ${detail.join("; ")}.${control}`;
  const numbers = [
    ...summary.arms.filter((a) => a.arm === summary.reference).map((a) => `${SHAPE_REFERENCE}, modular addition: test accuracy ${interval(a)} (median ${a.median.toFixed(3)})`),
    ...cs.map((c) => `${TASK_NAME[c.task]}: ${c.arm} − ${SHAPE_REFERENCE} test accuracy ${pairText(c.accuracy)}${c.loss === undefined ? "" : `; test loss ${pairText(c.loss)}`}`),
    ...(gain === undefined ? [] : [`modular addition: relu gain · layer − ${SHAPE_REFERENCE} test accuracy ${pairText(gain)}`]),
  ];
  return { question: QUESTION, answer, sentence, numbers };
}
