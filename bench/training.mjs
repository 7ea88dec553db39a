// A training step, per case: ours (forward, cross-entropy, backward, Adam step, to the GPU's end), TF.js's
// `optimizer.minimize` on the same device (the @tensorflow/tfjs union package, which registers the gradients), and
// the raw floor: the very dispatches and copies of one of our steps, recorded once and replayed through the raw
// WebGPU API in one compute pass and one submit (no JavaScript of ours). Steps per second = 1000 / median ms.
import { F, nn, optim, recordedCommands, synchronize, Tensor } from 'webgpu-layers';

const CASES = [
  {
    name: 'Teachable-Machine head: mean pool [16,1280,7,7] → Linear(1280,100) → ReLU → Linear(100,3), cross-entropy, Adam',
    shape: [16, 1280, 7, 7],
    ours: () => new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(1280, 100), new nn.ReLU(), new nn.Linear(100, 3)),
    tfjs: (tf, channels) => {
      const w1 = tf.variable(tf.randomNormal([channels, 100], 0, 0.02));
      const b1 = tf.variable(tf.zeros([100]));
      const w2 = tf.variable(tf.randomNormal([100, 3], 0, 0.1));
      const b2 = tf.variable(tf.zeros([3]));
      return { vars: [w1, b1, w2, b2], logits: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tf.mean(x, [1, 2]), w1), b1)), w2), b2) };
    },
  },
  {
    name: 'SE head: SELayer(256) [16,256,14,14] → mean pool → Linear(256,100) → ReLU → Linear(100,3), cross-entropy, Adam',
    shape: [16, 256, 14, 14],
    ours: () =>
      new nn.Sequential(new nn.SELayer(256, 16), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(256, 100), new nn.ReLU(), new nn.Linear(100, 3)),
    tfjs: (tf, channels) => {
      const s1 = tf.variable(tf.randomNormal([channels, channels / 16], 0, 0.05));
      const s2 = tf.variable(tf.randomNormal([channels / 16, channels], 0, 0.05));
      const w1 = tf.variable(tf.randomNormal([channels, 100], 0, 0.05));
      const b1 = tf.variable(tf.zeros([100]));
      const w2 = tf.variable(tf.randomNormal([100, 3], 0, 0.1));
      const b2 = tf.variable(tf.zeros([3]));
      return {
        vars: [s1, s2, w1, b1, w2, b2],
        logits: (x) => {
          const gate = tf.sigmoid(tf.matMul(tf.relu(tf.matMul(tf.mean(x, [1, 2]), s1)), s2));
          const scaled = tf.mul(x, tf.reshape(gate, [x.shape[0], 1, 1, channels]));
          return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tf.mean(scaled, [1, 2]), w1), b1)), w2), b2);
        },
      };
    },
  },
];

/** Records the commands one call of `fn` queues on `device` (the kit's command batch), for the raw replay. */
const recordCommands = (device, fn) => recordedCommands(device, fn);

/** The recorded commands through the raw API: bind groups made once, then one encoder, one pass, one submit. */
async function rawReplay(device, commands) {
  const pipelines = await Promise.all(commands.map((c) => (c.kind === 'dispatch' ? c.pipeline : null)));
  const groups = commands.map((c, i) =>
    c.kind === 'dispatch'
      ? device.createBindGroup({ layout: pipelines[i].getBindGroupLayout(0), entries: c.bindings.map((resource, binding) => ({ binding, resource })) })
      : null,
  );
  return async () => {
    const encoder = device.createCommandEncoder();
    let pass = null;
    commands.forEach((c, i) => {
      if (c.kind === 'dispatch') {
        pass ??= encoder.beginComputePass();
        pass.setPipeline(pipelines[i]);
        pass.setBindGroup(0, groups[i]);
        pass.dispatchWorkgroups(...c.grid);
      } else if (c.kind === 'copy') {
        pass?.end();
        pass = null;
        encoder.copyBufferToBuffer(c.source, c.sourceOffset ?? 0, c.destination, 0, c.size);
      }
    });
    pass?.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
}

function features(shape, seededData) {
  return seededData(
    shape.reduce((a, b) => a * b, 1),
    7,
  );
}

export async function runTraining(device, { tfjsTraining, measure, seededData, log }) {
  const rows = [];
  for (const testCase of CASES) {
    log(`training step: ${testCase.name}`);
    const [n, channels] = testCase.shape;
    const data = features(testCase.shape, seededData);
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const x = Tensor.fromArray(device, data, testCase.shape);
    const target = Tensor.fromArray(device, labels, [n]);
    const head = testCase.ours(); // a new module trains, as in PyTorch
    const opt = new optim.Adam(head.parameters(), { lr: 1e-3 });
    const step = () => {
      opt.zeroGrad();
      const logits = head.forward(x);
      const loss = F.crossEntropy(logits, target);
      loss.backward();
      opt.step();
      logits.dispose();
      loss.dispose();
    };
    const ours = await measure(async () => {
      step();
      await synchronize(device);
    });
    // The floor: the same dispatches, replayed raw (recorded after the warm-up, so pipelines are compiled).
    const commands = recordCommands(device, step);
    await synchronize(device);
    const replay = await rawReplay(device, commands);
    const floor = await measure(replay);
    const row = { case: testCase.name, ours, floor, dispatches: commands.filter((c) => c.kind === 'dispatch').length, tfjs: null, tfjsNote: null };
    if (tfjsTraining.unavailable) row.tfjsNote = tfjsTraining.unavailable;
    else {
      const { tf } = tfjsTraining;
      const nhwc = tf.tidy(() => tf.transpose(tf.tensor(data, testCase.shape), [0, 2, 3, 1]));
      const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
      const model = testCase.tfjs(tf, channels);
      const adam = tf.train.adam(1e-3); // TF's ε (1e-7), not PyTorch's: the step's work is the same
      row.tfjs = await measure(async () => {
        const loss = adam.minimize(() => tf.losses.softmaxCrossEntropy(oneHot, model.logits(nhwc)), true, model.vars);
        await tfjsTraining.done();
        loss.dispose();
      });
      for (const t of [nhwc, oneHot, ...model.vars]) t.dispose();
      adam.dispose();
    }
    rows.push(row);
    head.dispose();
    x.dispose();
    target.dispose();
  }
  return rows;
}
