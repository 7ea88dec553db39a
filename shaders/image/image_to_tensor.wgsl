// An RGBA8 image → a (1, 3, outH, outW) float tensor, as torchvision's ToTensor (÷255), Resize (bilinear,
// align_corners=False, no antialias: PyTorch's upsample_bilinear2d in float32) and Normalize: one invocation per
// output pixel, writing its three channels. Layout: pixels [inH, rowStride] packed RGBA8 (one u32 each), output
// [3, outH, outW]. Bindings: 0 pixels, 1 output, 2 params.

fn pixel(row: u32, col: u32) -> vec3f {
  return unpack4x8unorm(pixels[row * params.rowStride + col]).rgb;
}

/** PyTorch's area_pixel_compute_source_index (align_corners=False) and the two neighbours it blends. */
fn source(dst: u32, inSize: u32, scale: f32) -> vec3f {
  let src = max(scale * (f32(dst) + 0.5) - 0.5, 0.0);
  let i0 = u32(src);
  let i1 = select(i0, i0 + 1u, i0 < inSize - 1u);
  return vec3f(f32(i0), f32(i1), src - f32(i0));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(id: Invocation) {
  let i = workItem(id);
  let pixelsOut = params.outH * params.outW;
  if (i >= pixelsOut) { return; }
  let y = i / params.outW;
  let x = i % params.outW;
  let r = source(y, params.inH, params.scaleH);
  let c = source(x, params.inW, params.scaleW);
  let top = (1.0 - c.z) * pixel(u32(r.x), u32(c.x)) + c.z * pixel(u32(r.x), u32(c.y));
  let bottom = (1.0 - c.z) * pixel(u32(r.y), u32(c.x)) + c.z * pixel(u32(r.y), u32(c.y));
  let value = ((1.0 - r.z) * top + r.z * bottom - vec3f(params.mean0, params.mean1, params.mean2)) / vec3f(params.std0, params.std1, params.std2);
  output[i] = value.r;
  output[pixelsOut + i] = value.g;
  output[2u * pixelsOut + i] = value.b;
}
