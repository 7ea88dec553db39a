// The convolution and batch-norm cases of the benchmark, from the networks: ResNet-18's 3×3 64→64 and its 7×7
// stride-2 stem, MobileNetV3's depthwise 3×3 and 5×5 and a 1×1 expansion, BatchNorm2d in training and in eval. Each
// is expressed for TF.js (NHWC: explicit zero padding, then 'valid') and ONNX (Conv with PyTorch's pads and group).
import { nn } from 'webgpu-layers';
import { halfForward } from './cases.mjs';

/** A Conv2d case: ours in eval under noGrad (bench/cases.mjs' prepareCase), TF.js conv2d / depthwiseConv2d, ONNX Conv. */
const conv = ({ shape, inC, outC, k, stride = 1, padding = 0, groups = 1 }) => ({
  name: `Conv2d(${inC}, ${outC}, ${k}, stride ${stride}, pad ${padding}${groups > 1 ? `, groups ${groups}` : ''}) [${shape}]`,
  shape,
  referenceUntimed: true,
  prepare: (_device, tfjs) => {
    const make = () => new nn.Conv2d(inC, outC, k, { stride, padding, groups });
    const module = make().eval();
    const half = halfForward(module, make);
    const { weight, bias } = module.stateDict();
    const depthwise = groups === inC && groups === outC;
    const pads = [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ];
    let tfjsCase = { unsupported: 'cannot: TF.js has no grouped convolution but depthwise' };
    let tw = null;
    if (tfjs && (groups === 1 || depthwise)) {
      const { tf } = tfjs;
      // PyTorch's [out, in/groups, kH, kW] as TF's [kH, kW, in, out] (or [kH, kW, C, 1] for depthwise).
      const filter = tf.tidy(() => tf.transpose(tf.tensor(weight.data, weight.shape), depthwise ? [2, 3, 0, 1] : [2, 3, 1, 0]));
      tw = { filter, bias: tf.tensor(bias.data) };
      const op = depthwise ? (x) => tf.depthwiseConv2d(x, filter, stride, 'valid') : (x) => tf.conv2d(x, filter, stride, 'valid');
      tfjsCase = {
        semantics: `${depthwise ? 'depthwiseConv2d' : 'conv2d'} (tf.pad, then valid) + bias`,
        run: (tf, x) => tf.add(op(padding ? tf.pad(x, pads) : x), tw.bias),
      };
    }
    return {
      ours: (x) => module.forward(x),
      half,
      reference: (input) => module.forwardCpu(input),
      tfjs: tfjsCase,
      onnx: {
        semantics: 'Conv',
        initializers: { w: weight, b: bias },
        nodes: [
          {
            op: 'Conv',
            inputs: ['x', 'w', 'b'],
            outputs: ['y'],
            attributes: { kernel_shape: [k, k], strides: [stride, stride], pads: [padding, padding, padding, padding], group: groups },
          },
        ],
      },
      dispose: () => tw && Object.values(tw).forEach((t) => t.dispose()),
    };
  },
});

/** BatchNorm2d in training (batch statistics, running update) or eval (running statistics). */
const batchNorm = (shape, training) => ({
  name: `BatchNorm2d(${shape[1]}) ${training ? 'training' : 'eval'} [${shape}]`,
  shape,
  prepare: (_device, tfjs) => {
    const c = shape[1];
    const make = () => new nn.BatchNorm2d(c, { momentum: training ? 0 : 0.1 }).train(training); // momentum 0: every run sees the same running stats
    const module = make();
    const half = halfForward(module, make);
    const reference = new nn.BatchNorm2d(c).train(training);
    const tw = tfjs && { mean: tfjs.tf.zeros([c]), variance: tfjs.tf.ones([c]), scale: tfjs.tf.ones([c]), offset: tfjs.tf.zeros([c]) };
    return {
      ours: (x) => module.forward(x),
      half,
      reference: (input) => (training ? reference.train(true) : reference).forwardCpu(input),
      tfjs: tfjs
        ? {
            semantics: training ? 'moments over N, H, W + batchNorm' : 'batchNorm (running statistics)',
            run: (tf, x) => {
              if (!training) return tf.batchNorm(x, tw.mean, tw.variance, tw.offset, tw.scale, 1e-5);
              const { mean, variance } = tf.moments(x, [0, 1, 2]);
              return tf.batchNorm(x, mean, variance, tw.offset, tw.scale, 1e-5);
            },
          }
        : { unsupported: 'TF.js unavailable' },
      onnx: training
        ? { unsupported: 'cannot: ONNX Runtime Web runs BatchNormalization for inference only (training_mode is a training op)' }
        : {
            semantics: 'BatchNormalization',
            initializers: {
              scale: { data: new Float32Array(c).fill(1), shape: [c] },
              bias: { data: new Float32Array(c), shape: [c] },
              mean: { data: new Float32Array(c), shape: [c] },
              var: { data: new Float32Array(c).fill(1), shape: [c] },
            },
            nodes: [{ op: 'BatchNormalization', inputs: ['x', 'scale', 'bias', 'mean', 'var'], outputs: ['y'], attributes: { epsilon: 1e-5 } }],
          },
      dispose: () => tw && Object.values(tw).forEach((t) => t.dispose()),
    };
  },
});

export const CONV_CASES = [
  conv({ shape: [8, 64, 56, 56], inC: 64, outC: 64, k: 3, padding: 1 }),
  conv({ shape: [8, 3, 224, 224], inC: 3, outC: 64, k: 7, stride: 2, padding: 3 }),
  conv({ shape: [8, 16, 112, 112], inC: 16, outC: 16, k: 3, padding: 1, groups: 16 }),
  conv({ shape: [8, 576, 14, 14], inC: 576, outC: 576, k: 5, padding: 2, groups: 576 }),
  conv({ shape: [8, 16, 56, 56], inC: 16, outC: 64, k: 1 }),
  batchNorm([8, 64, 56, 56], true),
  batchNorm([8, 64, 56, 56], false),
];
