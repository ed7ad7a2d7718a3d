import * as tf from "@tensorflow/tfjs";
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
 * with the gradients listed in `variables`' order), except that `check` sees the loss before the update and may
 * throw: a non-finite loss then leaves every variable as it was instead of writing NaN into the model. A throw
 * inside `f` or in the backward pass frees the gradient tape, and tfjs's "Kernel 'X' not registered" becomes an
 * AntitrainError naming the op and the fix. Returns the loss.
 */
export function minimizeChecked(optimizer: tf.Optimizer, f: () => tf.Scalar, variables: tf.Variable[], check: (loss: tf.Scalar) => void): number {
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
  const { value, grads } = computed;
  try {
    check(value);
    optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    return value.dataSync()[0];
  } finally {
    tf.dispose(grads);
    value.dispose();
  }
}
