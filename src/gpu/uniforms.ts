// Packs a kernel's `struct Params` uniform. Fields are 4-byte scalars in the struct's order;
// the buffer is padded to 16 bytes, the uniform buffer alignment.

export type ParamField = ['u32' | 'i32' | 'f32', number];

export function packParams(fields: readonly ParamField[]): ArrayBuffer {
  const bytes = Math.ceil((fields.length * 4) / 16) * 16;
  const view = new DataView(new ArrayBuffer(bytes));
  fields.forEach(([type, value], i) => {
    if (type === 'u32') view.setUint32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setFloat32(i * 4, value, true);
  });
  return view.buffer;
}
