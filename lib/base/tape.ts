import * as tf from "@tensorflow/tfjs";
import { AntitrainError } from "./errors";
import { explainKernelError } from "./kernel-errors";

/**
 * Wraps the loss function of `optimizer.minimize` / `tf.variableGrads` so a throw inside it frees what the gradient
 * tape saved. tfjs keeps a copy of every tensor a taped op needs for its backward pass and frees those copies only
 * after the backward pass; when the forward pass throws (a hook or penalty fails, labels of the wrong dtype), the
 * copies stay behind: a failed training step leaked 5 to 15 tensors. Only the outermost tape is released (a nested
 * gradient's tape belongs to its caller).
 */
export function releaseTapeOnThrow<T>(f: () => T): () => T {
  return () => {
    try {
      return f();
    } catch (e) {
      const state = tf.engine().state;
      if (state.gradientDepth === 1 && state.activeTape !== null) {
        for (const node of state.activeTape) {
          for (const t of node.saved ?? []) t.dispose();
          node.saved = [];
        }
      }
      throw e;
    }
  };
}

/**
 * After a backward pass threw (an op without a gradient kernel on this backend), frees what tfjs leaves behind: the
 * loss the forward pass returned and the tensors the tape saved for the backward pass. Only at the outermost gradient
 * (a nested gradient's tape belongs to its caller).
 */
function releaseFailedBackward(loss: tf.Scalar | null): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0) return;
  loss?.dispose();
  if (state.activeTape !== null) {
    for (const node of state.activeTape) {
      for (const t of node.saved ?? []) t.dispose();
      node.saved = [];
    }
  }
}

/**
 * One optimizer step, as `optimizer.minimize(f, true, variables)` takes it (computeGradients, then applyGradients
 * with the gradients listed in `variables`' order), except that the model keeps its last finite weights: `check`
 * sees the loss before the update and may throw (a non-finite loss then leaves every variable as it was), and when
 * the update itself makes a variable non-finite (a learning rate too large, an overflowing gradient), every variable
 * is restored to its value before the step and the error `weightsError` makes is thrown (the optimizer's own state,
 * e.g. Adam's moments, has taken the step). Costs one reduction over the variables per step; the saved values are
 * the variables' own buffers (tfjs's `assign` swaps buffers, so keeping them copies nothing). A throw inside `f` or
 * in the backward pass frees the gradient tape, and tfjs's "Kernel 'X' not registered" becomes an AntitrainError
 * naming the op and the fix. Returns the loss.
 */
export function minimizeChecked(
  optimizer: tf.Optimizer,
  f: () => tf.Scalar,
  variables: tf.Variable[],
  check: (loss: tf.Scalar) => void,
  weightsError: (variable: tf.Variable, value: number) => Error = defaultWeightsError,
): number {
  let loss: tf.Scalar | null = null;
  const forward = releaseTapeOnThrow(() => {
    loss = f();
    return loss;
  });
  let computed: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    computed = optimizer.computeGradients(forward, variables);
  } catch (e) {
    releaseFailedBackward(loss);
    throw explainKernelError(e);
  }
  return applyChecked(optimizer, computed, variables, check, weightsError);
}

/**
 * The second half of {@link minimizeChecked}, for a caller that computed its gradients itself (e.g. two backward
 * passes, one per group of variables): `check` sees the loss, the optimizer applies `computed.grads` in `variables`'
 * order, a non-finite update restores every variable and throws `weightsError`'s error. Takes ownership of
 * `computed` (disposes its value and gradients). Returns the loss.
 */
export function applyChecked(
  optimizer: tf.Optimizer,
  computed: { value: tf.Scalar; grads: tf.NamedTensorMap },
  variables: tf.Variable[],
  check: (loss: tf.Scalar) => void,
  weightsError: (variable: tf.Variable, value: number) => Error = defaultWeightsError,
): number {
  const { value, grads } = computed;
  let saved: tf.Tensor[] = [];
  try {
    check(value);
    saved = variables.map((v) => tf.clone(v));
    optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    const bad = firstNonFinite(variables);
    if (bad !== null) {
      variables.forEach((v, i) => v.assign(saved[i]));
      throw weightsError(bad.variable, bad.value);
    }
    return value.dataSync()[0];
  } finally {
    tf.dispose(saved);
    tf.dispose(grads);
    value.dispose();
  }
}

/** The first variable holding NaN or ±Infinity and that value, or null when all are finite (one reduction when they are). */
export function firstNonFinite(variables: readonly tf.Variable[]): { variable: tf.Variable; value: number } | null {
  if (variables.length === 0) return null;
  const finite = tf.tidy(() => tf.stack(variables.map((v) => tf.all(tf.isFinite(v)))).all().dataSync()[0]);
  if (finite) return null;
  for (const variable of variables) {
    const value = variable.dataSync().find((x) => !Number.isFinite(x));
    if (value !== undefined) return { variable, value };
  }
  return null;
}

/** The error of a step whose update made a weight non-finite, when the caller names no likelier cause. */
function defaultWeightsError(variable: tf.Variable, value: number): Error {
  return new AntitrainError(
    `the update made variable "${variable.name}" ${value}: the weights were restored to their values before this step. ` +
      "Training diverged: lower the learning rate (e.g. 10 times)",
  );
}
