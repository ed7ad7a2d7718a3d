import type * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { Rng } from "../base/rng";
import { type Split, dataset } from "./dataset";

/** Options for {@link teacherStudent}. */
export interface TeacherStudentOptions {
  /** Input width. Default 16. */
  inputs?: number;
  /** The teacher's hidden width k: the information the task really needs. Default 8. */
  teacherHidden?: number;
  /** Classes. Default 4. */
  classes?: number;
  /** Training examples. Default 2000. */
  train?: number;
  /** Test examples. Default 1000. */
  test?: number;
  /** Seed for the teacher and the inputs. Default 0. */
  seed?: number;
}

/** A generated task with its known teacher width. */
export interface TeacherStudentTask extends Split<tf.Tensor2D> {
  readonly teacherHidden: number;
}

/**
 * A random teacher MLP (inputs → k ReLU units → classes) labels standard-Gaussian inputs by its argmax. Class
 * biases are tuned so classes are nearly equally likely, then examples are drawn so every class has exactly the
 * same count. The teacher's width k is the known amount of structure a student needs.
 *
 * @example
 * const task = at.teacherStudent({ teacherHidden: 8, seed: 0 });   // task.train, task.test, task.teacherHidden
 */
export function teacherStudent(options: TeacherStudentOptions = {}): TeacherStudentTask {
  const d = options.inputs ?? 16;
  const k = options.teacherHidden ?? 8;
  const c = options.classes ?? 4;
  const nTrain = options.train ?? 2000;
  const nTest = options.test ?? 1000;
  if (k < 1 || c < 2 || d < 1) throw new AntitrainError("teacherStudent needs inputs >= 1, teacherHidden >= 1 and classes >= 2");
  const rng = new Rng(options.seed ?? 0);
  const w1 = gaussianArray(rng, d * k, Math.sqrt(2 / d));
  const b1 = gaussianArray(rng, k, 0.1);
  const w2 = gaussianArray(rng, k * c, Math.sqrt(1 / k));
  const bias = new Float64Array(c);
  const teacher = (x: Float64Array, out: Float64Array): void => {
    const h = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = b1[j];
      for (let i = 0; i < d; i++) s += x[i] * w1[i * k + j];
      h[j] = Math.max(0, s);
    }
    for (let o = 0; o < c; o++) {
      let s = bias[o];
      for (let j = 0; j < k; j++) s += h[j] * w2[j * c + o];
      out[o] = s;
    }
  };
  const label = (x: Float64Array): number => {
    const out = new Float64Array(c);
    teacher(x, out);
    let best = 0;
    for (let o = 1; o < c; o++) if (out[o] > out[best]) best = o;
    return best;
  };
  // Balance: nudge class biases until a calibration pool is close to uniform (every class within 20% of 1/C).
  const pool = Array.from({ length: 4000 }, () => gaussianVector(rng, d));
  for (let iter = 0; iter < 500; iter++) {
    const counts = new Float64Array(c);
    for (const x of pool) counts[label(x)]++;
    const even = pool.length / c;
    if (counts.every((n) => Math.abs(n - even) < 0.2 * even)) break;
    // A decaying step: the logits may differ by little, so fixed log-ratio steps can oscillate.
    const step = 0.5 * 0.98 ** iter;
    for (let o = 0; o < c; o++) bias[o] -= step * Math.max(-2, Math.min(2, Math.log((counts[o] + 1) / (even + 1))));
  }
  const draw = (n: number) => {
    const per = Math.floor(n / c);
    const want = Array.from({ length: c }, (_, o) => per + (o < n - per * c ? 1 : 0));
    const xs = new Float32Array(n * d);
    const ys = new Int32Array(n);
    let filled = 0;
    for (let tries = 0; filled < n; tries++) {
      if (tries > n * c * 200) throw new AntitrainError("teacherStudent could not balance classes: try another seed");
      const x = gaussianVector(rng, d);
      const y = label(x);
      if (want[y] === 0) continue;
      want[y]--;
      xs.set(x, filled * d);
      ys[filled++] = y;
    }
    return dataset(xs, ys, { features: d, classes: c });
  };
  return { train: draw(nTrain), test: draw(nTest), teacherHidden: k };
}

function gaussianArray(rng: Rng, n: number, scale: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

function gaussianVector(rng: Rng, d: number): Float64Array {
  return gaussianArray(rng, d, 1);
}
