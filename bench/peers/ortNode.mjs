// onnxruntime-node on the CPU: the native alternative to a GPU in Node.
export async function loadOrtNode() {
  const ort = await import('onnxruntime-node');
  return {
    async session(model) {
      return ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
    },
    input(data, shape) {
      return new ort.Tensor('float32', data, shape);
    },
    async run(session, feeds) {
      return (await session.run(feeds)).y;
    },
    async read(y) {
      return y.data;
    },
  };
}
