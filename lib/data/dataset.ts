import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "../base/errors";
import { Rng } from "../base/rng";
import { requirePositiveInt } from "../base/validate";

/**
 * Examples and integer labels. `x`: float32 examples along the first axis, of any rank ≥ 2: `[n, features]` (the
 * loaders of tabular, token and digit data say so: `Dataset<tf.Tensor2D>`), images `[n, height, width, channels]`
 * (`fashionMnist({ flatten: false })`: `Dataset<tf.Tensor4D>`); `y`: `[n]` int32 in `[0, classes)`.
 */
export interface Dataset<X extends tf.Tensor = tf.Tensor> {
  readonly x: X;
  readonly y: tf.Tensor1D;
  readonly classes: number;
}

/**
 * A train/test pair made by the loaders in `lib/data/`; `validation` is held out of the training split when a loader
 * is asked for it (`{ validation: fraction }`): choose hyperparameters on it, never on `test`.
 */
export interface Split<X extends tf.Tensor = tf.Tensor> {
  readonly train: Dataset<X>;
  readonly test: Dataset<X>;
  readonly validation?: Dataset<X>;
}

/**
 * A dataset from plain arrays (row-major features).
 *
 * @example
 * const d = at.dataset(new Float32Array([0, 1, 1, 0]), [0, 1], { features: 2, classes: 2 });
 */
export function dataset(
  x: Float32Array | readonly number[],
  y: Int32Array | readonly number[],
  shape: { features: number; classes: number },
): Dataset<tf.Tensor2D> {
  const n = y.length;
  if (x.length !== n * shape.features) {
    throw new AntitrainError(`x has ${x.length} values but ${n} labels × ${shape.features} features need ${n * shape.features}`);
  }
  return {
    x: tf.tensor2d(Float32Array.from(x), [n, shape.features]),
    y: tf.tensor1d(Int32Array.from(y), "int32"),
    classes: shape.classes,
  };
}

/** Frees a dataset's tensors. */
export function disposeDataset(d: Dataset<tf.Tensor>): void {
  d.x.dispose();
  d.y.dispose();
}

/**
 * Values per example: the product of `x`'s axes after the first (`features` for `[n, features]`).
 *
 * @example
 * at.features(at.digits().train);   // 64
 * at.features(images);              // 784 for x: [n, 28, 28, 1]
 */
export function features(d: Dataset<tf.Tensor>): number {
  return d.x.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Number of examples. */
export function size(d: Dataset<tf.Tensor>): number {
  return d.x.shape[0];
}

/** Examples at the given row indices, as a new dataset (caller disposes). */
export function take<X extends tf.Tensor = tf.Tensor>(d: Dataset<X>, rows: Int32Array | readonly number[]): Dataset<X> {
  return tf.tidy(() => {
    const idx = tf.tensor1d(Int32Array.from(rows), "int32");
    return { x: tf.gather(d.x, idx) as X, y: tf.gather(d.y, idx) as tf.Tensor1D, classes: d.classes };
  });
}

/** The first `n` examples (caller disposes). */
export function head<X extends tf.Tensor = tf.Tensor>(d: Dataset<X>, n: number): Dataset<X> {
  const m = Math.min(n, size(d));
  const begin = d.x.shape.map(() => 0);
  const extent = d.x.shape.map((_, axis) => (axis === 0 ? m : -1));
  return tf.tidy(() => ({ x: d.x.slice(begin, extent) as X, y: d.y.slice([0], [m]), classes: d.classes }));
}

/**
 * An endless stream of shuffled minibatches: each epoch is a new permutation from the seed; a final partial batch
 * is dropped. Each batch is a new dataset the caller disposes. `position` says where the stream stands (for resuming).
 *
 * @example
 * const stream = new at.BatchStream(train, 64, 0);
 * const batch = stream.next(); ...; at.disposeDataset(batch);
 */
export class BatchStream {
  private readonly rng: Rng;
  private order: Int32Array;
  private cursor = 0;
  epoch = 0;

  constructor(
    private readonly data: Dataset,
    readonly batchSize: number,
    seed: number,
  ) {
    const n = size(data);
    if (n === 0) throw new AntitrainError("cannot batch an empty dataset");
    requirePositiveInt(batchSize, "batchSize"); // NaN would make empty batches
    this.batchSize = Math.min(batchSize, n);
    this.rng = new Rng(seed);
    this.order = this.rng.permutation(n);
  }

  /** The next minibatch (a new dataset: dispose it). */
  next(): Dataset {
    if (this.cursor + this.batchSize > this.order.length) {
      this.order = this.rng.permutation(this.order.length);
      this.cursor = 0;
      this.epoch++;
    }
    const rows = this.order.subarray(this.cursor, this.cursor + this.batchSize);
    this.cursor += this.batchSize;
    return take(this.data, rows);
  }

  /** Where the stream stands (this epoch's order, cursor, epoch, generator state), for checkpoints. */
  state(): BatchStreamState {
    return { order: Array.from(this.order), cursor: this.cursor, epoch: this.epoch, rng: this.rng.state() };
  }

  /** Continues from a {@link BatchStream.state} taken on a stream over the same data and batch size. */
  setState(s: BatchStreamState): void {
    const n = this.order.length;
    const isPermutation = s.order.length === n && new Set(s.order).size === n && s.order.every((i) => Number.isInteger(i) && i >= 0 && i < n);
    if (!isPermutation || !(Number.isInteger(s.cursor) && s.cursor >= 0 && s.cursor <= n) || s.rng.length !== 4) {
      throw new AntitrainError(`batch stream state does not fit this stream of ${n} examples: was it saved for other data?`);
    }
    this.order = Int32Array.from(s.order);
    this.cursor = s.cursor;
    this.epoch = s.epoch;
    this.rng.setState(s.rng);
  }
}

/** A {@link BatchStream}'s position, as plain JSON. */
export interface BatchStreamState {
  readonly order: number[];
  readonly cursor: number;
  readonly epoch: number;
  readonly rng: [number, number, number, number];
}

/** Calls `fn` on consecutive slices of at most `batchSize` examples (no copy of labels to JS). */
export function forEachSlice(d: Dataset, batchSize: number, fn: (x: tf.Tensor, y: tf.Tensor1D, start: number) => void): void {
  requirePositiveInt(batchSize, "batchSize"); // 0 or NaN would loop forever
  const n = size(d);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const x = d.x.slice([start, 0], [m, -1]);
    const y = d.y.slice([start], [m]);
    try {
      fn(x, y, start);
    } finally {
      x.dispose();
      y.dispose();
    }
  }
}
