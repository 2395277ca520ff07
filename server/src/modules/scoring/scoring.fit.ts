import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Logistic regression with L2 regularisation, fitted by TensorFlow.js in this process on its pure-JavaScript CPU
 * backend (no native code, no network): one dense unit with a sigmoid, weights starting at zero, Adam over
 * fixed batches in a fixed order (no shuffling), so the same examples give the same coefficients every run.
 * Only fitting uses TensorFlow.js; scoring a lead is a dot product (`predict`).
 */
export const L2 = 1e-3;
const LEARNING_RATE = 0.05;
/** Example passes over the data at most (epochs × examples), so a capped training set fits in seconds. */
const PASS_BUDGET = 2_000_000;

let ready: Promise<void> | null = null;
function backend(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
  })();
  return ready;
}

export interface Fitted {
  weights: number[];
  bias: number;
}

/** Fits weights to `x` (n rows of d columns, row-major) and labels `y` (0 or 1). */
export async function fitLogistic(x: Float32Array, y: Float32Array, n: number, d: number): Promise<Fitted> {
  await backend();
  const batchSize = n <= 5_000 ? 256 : n <= 50_000 ? 1024 : 2048;
  const epochs = Math.max(10, Math.min(80, Math.floor(PASS_BUDGET / Math.max(1, n))));
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      units: 1,
      inputShape: [d],
      activation: 'sigmoid',
      kernelInitializer: 'zeros',
      biasInitializer: 'zeros',
      kernelRegularizer: tfl.regularizers.l2({ l2: L2 }),
    }),
  );
  const optimizer = tf.train.adam(LEARNING_RATE);
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  const batches: [tf.Tensor2D, tf.Tensor2D][] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    batches.push([
      tf.tensor2d(x.subarray(start * d, end * d), [end - start, d]),
      tf.tensor2d(y.subarray(start, end), [end - start, 1]),
    ]);
  }
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const [xs, ys] of batches) await model.trainOnBatch(xs, ys);
      // Let the event loop breathe between epochs: a long fit never starves the API in the same process.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const [kernel, bias] = model.layers[0]?.getWeights() ?? [];
    if (!kernel || !bias) throw new Error('the model has no weights');
    return { weights: Array.from(await kernel.data()), bias: (await bias.data())[0] ?? 0 };
  } finally {
    for (const [xs, ys] of batches) {
      xs.dispose();
      ys.dispose();
    }
    model.dispose();
    optimizer.dispose();
  }
}
