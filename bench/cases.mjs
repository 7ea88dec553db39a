// The benchmark's cases, each named by its shape, with how every implementation expresses it (or why it can't).
// `prepare(device, tfjs)` builds what a case needs once (modules, weights); nothing in it is timed. `half`: the float16
// run where it needs modules of its own (layers with weights); the pooling modules take float16 input as they are.
import { F, nn, noGrad } from 'webgpu-layers';

/**
 * A case's prepared parts, its forwards run as inference is written in PyTorch (`with torch.no_grad()`): modules start
 * in training mode with parameters that require grad, so without noGrad every forward would record a graph.
 */
export function prepareCase(testCase, device, tfjs) {
  const prepared = testCase.prepare(device, tfjs);
  const infer = (forward) => forward && ((x) => noGrad(() => forward(x)));
  return { ...prepared, ours: infer(prepared.ours), half: infer(prepared.half), dispose: prepared.dispose };
}

/** The float16 run of a layer with weights: a copy of `module` converted with module.to('float16'). */
export function halfForward(module, make) {
  const half = make();
  half.loadStateDict(module.stateDict());
  half.to('float16');
  return (x) => half.forward(x);
}

const NO_ADAPTIVE_ONNX = 'cannot: ONNX has no adaptive pooling, and these windows differ in size';
const NO_ADAPTIVE_TFJS = 'cannot: TF.js has no adaptive pooling, and these windows differ in size';

/** y = GlobalAveragePool(x): PyTorch's AdaptiveAvgPool2d(1). */
const globalPool = (shape) => ({
  name: `global average pool [${shape}]`,
  shape,
  prepare: () => ({
    ours: (x) => F.adaptiveAvgPool2d(x, 1),
    reference: (input) => new nn.AdaptiveAvgPool2d(1).forwardCpu(input),
    tfjs: { semantics: 'mean over H, W', run: (tf, x) => tf.mean(x, [1, 2], true) },
    onnx: { semantics: 'GlobalAveragePool', nodes: [{ op: 'GlobalAveragePool', inputs: ['x'], outputs: ['y'] }] },
  }),
});

/** An AvgPool2d both peers can express, with PyTorch's count_include_pad=True. */
const avgPool = (shape, kernel, stride, padding) => ({
  name: `AvgPool2d(${kernel}, ${stride}, ${padding}) [${shape}]`,
  shape,
  prepare: () => {
    const module = new nn.AvgPool2d(kernel, { stride, padding });
    const pads = [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ];
    return {
      ours: (x) => module.forward(x),
      reference: (input) => module.forwardCpu(input),
      tfjs: {
        // tf.avgPool never counts padding; zero-padding first and pooling 'valid' gives PyTorch's default.
        semantics: padding ? 'tf.pad + avgPool valid (count_include_pad)' : 'avgPool valid',
        run: (tf, x) => tf.avgPool(padding ? tf.pad(x, pads) : x, kernel, stride, 'valid'),
      },
      onnx: {
        semantics: 'AveragePool count_include_pad=1',
        nodes: [
          {
            op: 'AveragePool',
            inputs: ['x'],
            outputs: ['y'],
            attributes: { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [padding, padding, padding, padding], count_include_pad: 1 },
          },
        ],
      },
    };
  },
});

/** AdaptiveAvgPool2d: the peers can only express it when every window has the same size. */
const adaptive = (shape, outputSize) => ({
  name: `AdaptiveAvgPool2d((${outputSize})) [${shape}]`,
  shape,
  prepare: () => {
    const module = new nn.AdaptiveAvgPool2d(outputSize);
    const [h, w] = shape.slice(-2);
    const divisible = h % outputSize[0] === 0 && w % outputSize[1] === 0;
    const kernel = [h / outputSize[0], w / outputSize[1]];
    return {
      ours: (x) => module.forward(x),
      reference: (input) => module.forwardCpu(input),
      tfjs: divisible
        ? { semantics: `as avgPool(${kernel}, ${kernel}) (divisible sizes)`, run: (tf, x) => tf.avgPool(x, kernel, kernel, 'valid') }
        : { unsupported: NO_ADAPTIVE_TFJS },
      onnx: divisible
        ? {
            semantics: `as AveragePool(${kernel}, ${kernel}) (divisible sizes)`,
            nodes: [{ op: 'AveragePool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: kernel, strides: kernel } }],
          }
        : { unsupported: NO_ADAPTIVE_ONNX },
    };
  },
});

/** SELayer(channel): pool → Linear → ReLU → Linear → Sigmoid → scale. ONNX writes the Linears as 1×1 Convs, as exports do. */
const seLayer = (shape) => ({
  name: `SELayer(${shape[1]}) [${shape}]`,
  shape,
  prepare: (_device, tfjs) => {
    const [n, c] = shape;
    const module = new nn.SELayer(c);
    const half = halfForward(module, () => new nn.SELayer(c));
    const sd = module.stateDict();
    const w1 = sd['fc.0.weight'];
    const w2 = sd['fc.2.weight'];
    const tw = tfjs && { w1: tfjs.tf.tensor(w1.data, w1.shape), w2: tfjs.tf.tensor(w2.data, w2.shape) };
    return {
      ours: (x) => module.forward(x),
      half,
      reference: (input) => module.forwardCpu(input),
      tfjs: {
        semantics: 'mean, matMul, relu, matMul, sigmoid, mul',
        run: (tf, x) => {
          const pooled = tf.mean(x, [1, 2]);
          const gate = tf.sigmoid(tf.matMul(tf.relu(tf.matMul(pooled, tw.w1, false, true)), tw.w2, false, true));
          return tf.mul(x, tf.reshape(gate, [n, 1, 1, c]));
        },
      },
      onnx: {
        semantics: 'GlobalAveragePool, Conv 1x1, Relu, Conv 1x1, Sigmoid, Mul',
        initializers: { w1: { data: w1.data, shape: [...w1.shape, 1, 1] }, w2: { data: w2.data, shape: [...w2.shape, 1, 1] } },
        nodes: [
          { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['p'] },
          { op: 'Conv', inputs: ['p', 'w1'], outputs: ['h'] },
          { op: 'Relu', inputs: ['h'], outputs: ['r'] },
          { op: 'Conv', inputs: ['r', 'w2'], outputs: ['g'] },
          { op: 'Sigmoid', inputs: ['g'], outputs: ['s'] },
          { op: 'Mul', inputs: ['x', 's'], outputs: ['y'] },
        ],
      },
      dispose: () => tw && Object.values(tw).forEach((t) => t.dispose()),
    };
  },
});

/** ResNetHead(512, 1000): adaptive pool to 1×1 → flatten → fc. */
const resnetHead = (shape, classes) => ({
  name: `ResNetHead(${shape[1]}, ${classes}) [${shape}]`,
  shape,
  prepare: (_device, tfjs) => {
    const module = new nn.ResNetHead(shape[1], classes);
    const half = halfForward(module, () => new nn.ResNetHead(shape[1], classes));
    const { 'fc.weight': weight, 'fc.bias': bias } = module.stateDict();
    const tw = tfjs && { w: tfjs.tf.tensor(weight.data, weight.shape), b: tfjs.tf.tensor(bias.data) };
    return {
      ours: (x) => module.forward(x),
      half,
      reference: (input) => module.forwardCpu(input),
      tfjs: { semantics: 'mean, matMul, add', run: (tf, x) => tf.add(tf.matMul(tf.mean(x, [1, 2]), tw.w, false, true), tw.b) },
      onnx: {
        semantics: 'GlobalAveragePool, Flatten, Gemm',
        initializers: { w: weight, b: bias },
        nodes: [
          { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['p'] },
          { op: 'Flatten', inputs: ['p'], outputs: ['f'], attributes: { axis: 1 } },
          { op: 'Gemm', inputs: ['f', 'w', 'b'], outputs: ['y'], attributes: { transB: 1 } },
        ],
      },
      dispose: () => tw && Object.values(tw).forEach((t) => t.dispose()),
    };
  },
});

/** SqueezeAndExcite(c, c, 7) (MobileNetV3): AvgPool2d(7) → Linear → ReLU6 → Linear → Hardswish → scale, on a 7×7 map. */
const squeezeAndExcite = (shape) => ({
  name: `SqueezeAndExcite(${shape[1]}, ${shape[1]}, 7) [${shape}]`,
  shape,
  prepare: (_device, tfjs) => {
    const [n, c] = shape;
    const module = new nn.SqueezeAndExcite(c, c, 7);
    const half = halfForward(module, () => new nn.SqueezeAndExcite(c, c, 7));
    const sd = module.stateDict();
    const [w1, b1, w2, b2] = ['SEblock.0.weight', 'SEblock.0.bias', 'SEblock.2.weight', 'SEblock.2.bias'].map((k) => sd[k]);
    const tw = tfjs && {
      w1: tfjs.tf.tensor(w1.data, w1.shape),
      b1: tfjs.tf.tensor(b1.data),
      w2: tfjs.tf.tensor(w2.data, w2.shape),
      b2: tfjs.tf.tensor(b2.data),
    };
    return {
      ours: (x) => module.forward(x),
      half,
      reference: (input) => module.forwardCpu(input),
      tfjs: {
        semantics: 'mean, matMul, add, relu6, matMul, add, hardswish as g·relu6(g+3)/6, mul',
        run: (tf, x) => {
          const hidden = tf.relu6(tf.add(tf.matMul(tf.mean(x, [1, 2]), tw.w1, false, true), tw.b1));
          const g = tf.add(tf.matMul(hidden, tw.w2, false, true), tw.b2);
          return tf.mul(x, tf.reshape(tf.div(tf.mul(g, tf.relu6(tf.add(g, 3))), 6), [n, 1, 1, c]));
        },
      },
      onnx: {
        semantics: 'GlobalAveragePool, Conv 1x1, Clip(0, 6), Conv 1x1, HardSwish, Mul',
        initializers: {
          w1: { data: w1.data, shape: [...w1.shape, 1, 1] },
          b1,
          w2: { data: w2.data, shape: [...w2.shape, 1, 1] },
          b2,
          lo: { data: new Float32Array([0]), shape: [] },
          hi: { data: new Float32Array([6]), shape: [] },
        },
        nodes: [
          { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['p'] },
          { op: 'Conv', inputs: ['p', 'w1', 'b1'], outputs: ['h'] },
          { op: 'Clip', inputs: ['h', 'lo', 'hi'], outputs: ['r'] },
          { op: 'Conv', inputs: ['r', 'w2', 'b2'], outputs: ['g'] },
          { op: 'HardSwish', inputs: ['g'], outputs: ['s'] },
          { op: 'Mul', inputs: ['x', 's'], outputs: ['y'] },
        ],
      },
      dispose: () => tw && Object.values(tw).forEach((t) => t.dispose()),
    };
  },
});

const NO_ADAPTIVE_MAX = 'cannot: neither ONNX nor TF.js has adaptive max pooling';

/**
 * MaxPool2d(k, s, p) with PyTorch's −∞ padding; with ceil mode the last window may start in the right padding. TF.js:
 * tf.pad with −∞ (one more on the right where ceil mode adds a window) then maxPool 'valid'. ORT: MaxPool, whose
 * WebGPU kernel rejects ceil_mode (onnxruntime #20938): that row records its error.
 */
const maxPool = (shape, kernel, stride, padding, ceilMode = false) => ({
  name: `MaxPool2d(${kernel}, ${stride}, ${padding}${ceilMode ? ', ceil_mode' : ''}) [${shape}]`,
  shape,
  prepare: () => {
    const module = new nn.MaxPool2d(kernel, { stride, padding, ceilMode });
    const [oh, ow] = module.outputShape(shape).slice(-2);
    const [h, w] = shape.slice(-2);
    // The right padding that makes 'valid' windows end where PyTorch's last window ends.
    const right = (o, size) => Math.max(padding, (o - 1) * stride + kernel - size - padding);
    const pads = [
      [0, 0],
      [padding, right(oh, h)],
      [padding, right(ow, w)],
      [0, 0],
    ];
    return {
      ours: (x) => module.forward(x),
      reference: (input) => module.forwardCpu(input),
      tfjs: { semantics: 'tf.pad(−∞) + maxPool valid', run: (tf, x) => tf.maxPool(tf.pad(x, pads, -Infinity), kernel, stride, 'valid') },
      onnx: {
        semantics: `MaxPool pads=${padding}${ceilMode ? ' ceil_mode=1' : ''}`,
        nodes: [
          {
            op: 'MaxPool',
            inputs: ['x'],
            outputs: ['y'],
            attributes: { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [padding, padding, padding, padding], ceil_mode: ceilMode ? 1 : 0 },
          },
        ],
      },
    };
  },
});

/** AdaptiveMaxPool2d: no peer has it. */
const adaptiveMax = (shape, outputSize) => ({
  name: `AdaptiveMaxPool2d((${outputSize})) [${shape}]`,
  shape,
  prepare: () => {
    const module = new nn.AdaptiveMaxPool2d(outputSize);
    return {
      ours: (x) => module.forward(x),
      reference: (input) => module.forwardCpu(input),
      tfjs: { unsupported: NO_ADAPTIVE_MAX },
      onnx: { unsupported: NO_ADAPTIVE_MAX },
    };
  },
});

/** AvgPool3d(k, s, p), count_include_pad: TF.js zero-pads then avgPool3d 'valid'; ORT AveragePool in 3-D. */
const avgPool3d = (shape, kernel, stride, padding) => ({
  name: `AvgPool3d(${kernel}, ${stride}, ${padding}) [${shape}]`,
  shape,
  prepare: () => {
    const module = new nn.AvgPool3d(kernel, { stride, padding });
    const pads = [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ];
    return {
      ours: (x) => module.forward(x),
      reference: (input) => module.forwardCpu(input),
      tfjs: { semantics: 'tf.pad + avgPool3d valid (count_include_pad)', run: (tf, x) => tf.avgPool3d(padding ? tf.pad(x, pads) : x, kernel, stride, 'valid') },
      onnx: {
        semantics: 'AveragePool 3-D count_include_pad=1',
        nodes: [
          {
            op: 'AveragePool',
            inputs: ['x'],
            outputs: ['y'],
            attributes: { kernel_shape: [kernel, kernel, kernel], strides: [stride, stride, stride], pads: new Array(6).fill(padding), count_include_pad: 1 },
          },
        ],
      },
    };
  },
});

/** AvgPool1d(k): TF.js has no 1-D pool, so avgPool over a unit H (NLC viewed as N1LC); ORT AveragePool in 1-D. */
const avgPool1d = (shape, kernel) => ({
  name: `AvgPool1d(${kernel}) [${shape}]`,
  shape,
  prepare: () => {
    const module = new nn.AvgPool1d(kernel);
    const [n, c, l] = shape;
    return {
      ours: (x) => module.forward(x),
      reference: (input) => module.forwardCpu(input),
      tfjs: {
        semantics: 'avgPool [1, k] on [N, 1, L, C]',
        run: (tf, x) => tf.reshape(tf.avgPool(tf.reshape(x, [n, 1, l, c]), [1, kernel], [1, kernel], 'valid'), [n, Math.floor(l / kernel), c]),
      },
      onnx: {
        semantics: 'AveragePool 1-D',
        nodes: [{ op: 'AveragePool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: [kernel], strides: [kernel] } }],
      },
    };
  },
});

/** An elementwise activation over a feature map: MobileNetV3's Hardswish. TF.js has none: its formula in four ops. */
const hardswish = (shape) => ({
  name: `Hardswish [${shape}]`,
  shape,
  prepare: () => {
    const module = new nn.Hardswish();
    return {
      ours: (x) => module.forward(x),
      reference: (input) => module.forwardCpu(input),
      tfjs: { semantics: 'x · relu6(x + 3) / 6 (4 ops)', run: (tf, x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)) },
      onnx: { semantics: 'HardSwish', nodes: [{ op: 'HardSwish', inputs: ['x'], outputs: ['y'] }] },
    };
  },
});

/** The case builders, for other bench sections (bench/cpuCost.mjs). */
export const CASE_MAKERS = { globalPool, avgPool, adaptive, seLayer, squeezeAndExcite, resnetHead, maxPool, adaptiveMax, avgPool3d, avgPool1d, hardswish };

export const CASES = [
  globalPool([8, 512, 7, 7]),
  globalPool([8, 256, 56, 56]),
  avgPool([8, 64, 112, 112], 3, 2, 1),
  avgPool([8, 512, 7, 7], 7, 1, 0),
  adaptive([8, 512, 14, 14], [7, 7]),
  adaptive([8, 512, 15, 15], [7, 7]),
  adaptive([8, 64, 8, 9], [5, 7]),
  seLayer([8, 256, 56, 56]),
  resnetHead([8, 512, 7, 7], 1000),
  resnetHead([8, 512, 14, 14], 1000),
  // The rest of the pooling family.
  maxPool([8, 64, 112, 112], 3, 2, 1),
  maxPool([8, 64, 112, 112], 3, 2, 1, true),
  adaptiveMax([8, 512, 15, 15], [5, 7]),
  avgPool3d([2, 64, 16, 56, 56], 3, 2, 1),
  avgPool1d([8, 256, 4096], 4),
  // An activation: elementwise, as memory-bound as it gets.
  hardswish([8, 64, 112, 112]),
];
