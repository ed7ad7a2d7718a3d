import * as tf from "@tensorflow/tfjs";

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
 * One optimizer step, as `optimizer.minimize(f, true, variables)` takes it (computeGradients, then applyGradients
 * with the gradients listed in `variables`' order), except that `check` sees the loss before the update and may
 * throw: a non-finite loss then leaves every variable as it was instead of writing NaN into the model. A throw
 * inside `f` frees the gradient tape. Returns the loss.
 */
export function minimizeChecked(optimizer: tf.Optimizer, f: () => tf.Scalar, variables: tf.Variable[], check: (loss: tf.Scalar) => void): number {
  const { value, grads } = optimizer.computeGradients(releaseTapeOnThrow(f), variables);
  try {
    check(value);
    optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    return value.dataSync()[0];
  } finally {
    tf.dispose(grads);
    value.dispose();
  }
}
