// Turns benchmark results into Markdown tables (stdout, docs/benchmarks.md via bench/docs.mjs) and an SVG chart.
// Plain functions of the results' JSON: nothing here needs a device or the built package.

/** The tensor the hand-off section passes between the kit and the peers. */
export const HANDOFF_SHAPE = [1, 64, 56, 56];

export const IMPLS = ['ours', 'ours-float16', 'ours-channels-last', 'copy', 'tfjs-webgpu', 'ort-web-webgpu', 'ort-node-cpu', 'reference-cpu'];
const COLORS = {
  ours: '#d62728',
  'ours-float16': '#e377c2',
  'ours-channels-last': '#bcbd22',
  copy: '#7f7f7f',
  'tfjs-webgpu': '#ff7f0e',
  'ort-web-webgpu': '#1f77b4',
  'ort-node-cpu': '#2ca02c',
  'reference-cpu': '#9467bd',
};

const ms = (v) => (v == null ? '—' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const ratio = (v) => (v == null ? '—' : `${v.toFixed(2)}×`);
const gbps = (v) => (v == null ? '—' : v.toFixed(v < 10 ? 2 : 1));

/**
 * One row per case: median (min–max) ms for each implementation (`copy` is copyBufferToBuffer of the input), the vec4
 * copy kernel, the floor (the faster of the two), bytes a forward moves (input read + output written) and GB/s, then
 * the ratios (all measured in the same run).
 */
export function markdownTable(report) {
  const header = `| case | ${IMPLS.join(' | ')} | copy kernel (vec4) | floor | MB moved | ours GB/s | floor GB/s | best WebGPU peer / ours | ours / floor | float16 / float32 | channels last / contiguous |`;
  const rule = `|${'---|'.repeat(IMPLS.length + 10)}`;
  const rows = report.cases.map((c) => {
    const cells = IMPLS.map((impl) => {
      const r = report.results.find((x) => x.case === c.case && x.impl === impl);
      if (!r) return '—';
      if (r.medianMs == null) return 'n/a'; // the reason is in notes()
      return `${ms(r.medianMs)} (${ms(r.minMs)}–${ms(r.maxMs)})`;
    });
    const floor = `${ms(c.floorMs)} (${c.floorIs === 'copyBufferToBuffer' ? 'copy' : 'kernel'})`;
    return `| ${c.case} | ${cells.join(' | ')} | ${ms(c.copyKernelMs)} | ${floor} | ${(c.bytesMoved / 1e6).toFixed(1)} | ${gbps(c.oursGBps)} | ${gbps(c.floorGBps)} | ${ratio(c.ratios.bestWebgpuPeerOverOurs)} | ${ratio(c.ratios.oursOverFloor)} | ${ratio(c.ratios.float16OverFloat32)} | ${ratio(c.ratios.channelsLastOverContiguous)} |`;
  });
  return [header, rule, ...rows].join('\n');
}

/** Per case, what one forward of ours costs the CPU (validation, encoding, submit) and the GPU (timestamp-query). */
export function oursDetail(report) {
  const rows = report.results.filter((r) => r.impl === 'ours');
  const lines = rows.map((r) => `| ${r.case} | ${ms(r.medianMs)} | ${ms(r.cpuOverheadMs)} | ${r.gpuMs == null ? 'n/a' : ms(r.gpuMs)} |`);
  return ['| case | ours, wall | CPU: validate + encode + submit | GPU (timestamp-query) |', '|---|---|---|---|', ...lines].join('\n');
}

/** Why rows say n/a, and how each peer expressed each case (grouped, so the list stays short). */
export function notes(report) {
  const lines = new Map();
  for (const r of report.results) {
    if (r.impl.startsWith('ours') || r.impl === 'reference-cpu' || r.impl === 'copy') continue;
    const text = r.medianMs == null ? `n/a: ${r.note}` : r.semantics;
    const key = `${r.impl}: ${text}`;
    lines.set(key, [...(lines.get(key) ?? []), r.case]);
  }
  return [...lines].map(([key, cases]) => `- ${key} (${cases.join('; ')})`).join('\n');
}

const escapeXml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Horizontal bars per case on a log scale of median ms, one colour per implementation. */
export function svgChart(report) {
  const rowHeight = 11;
  const caseGap = 14;
  const left = 300;
  const width = 900;
  const plotWidth = width - left - 70;
  const values = report.results.filter((r) => r.medianMs > 0).map((r) => r.medianMs);
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const x = (v) => left + ((Math.log10(v) - lo) / (hi - lo || 1)) * plotWidth;
  const parts = [];
  let y = 40;
  for (const c of report.cases) {
    const rows = IMPLS.map((impl) => report.results.find((r) => r.case === c.case && r.impl === impl)).filter((r) => r && r.medianMs > 0);
    parts.push(`<text x="${left - 8}" y="${y + (rows.length * rowHeight) / 2 + 4}" text-anchor="end" font-size="11">${escapeXml(c.case)}</text>`);
    for (const r of rows) {
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(r.medianMs) - left)}" height="${rowHeight - 2}" fill="${COLORS[r.impl]}"/>`);
      parts.push(`<text x="${x(r.medianMs) + 3}" y="${y + rowHeight - 3}" font-size="9">${ms(r.medianMs)}</text>`);
      y += rowHeight;
    }
    y += caseGap;
  }
  const ticks = [];
  for (let p = lo; p <= hi; p++) {
    ticks.push(`<line x1="${x(10 ** p)}" y1="30" x2="${x(10 ** p)}" y2="${y}" stroke="#ddd"/>`);
    ticks.push(`<text x="${x(10 ** p)}" y="${y + 12}" text-anchor="middle" font-size="10">${10 ** p} ms</text>`);
  }
  const legend = IMPLS.map(
    (impl, i) =>
      `<rect x="${10 + i * 120}" y="8" width="10" height="10" fill="${COLORS[impl]}"/><text x="${10 + i * 120 + 14}" y="17" font-size="10">${impl}</text>`,
  );
  const title = `${escapeXml(report.adapter.description || report.adapter.architecture)} — ${report.date} — median ms (log scale)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 40}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="${y + 30}" font-size="10">${title}</text>
${[...ticks, ...legend, ...parts].join('\n')}
</svg>
`;
}

/** The CPU-cost section (bench/cpuCost.mjs): per batch-1 case, ours against the raw floor and the peers. */
export function cpuCostTable(rows) {
  const us = (r) => (r?.medianMs == null ? 'n/a' : `${(r.medianMs * 1000).toFixed(0)} (${(r.minMs * 1000).toFixed(0)}–${(r.maxMs * 1000).toFixed(0)})`);
  const lines = [
    '| case (batch 1) | ours µs | raw floor µs | ours / floor | TF.js µs (to submit) | ORT-web µs (run) | 100 queued, µs per forward | created per forward (buffers, bind groups, writeBuffers) | dispatches |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const p = r.perForward;
    lines.push(
      `| ${r.case} | ${us(r.ours)} | ${us(r.floor)} | ${r.oursOverFloor.toFixed(2)}× | ${us(r.tfjs)} | ${us(r.ortWeb)} | ${(r.queuedMsPerForward * 1000).toFixed(0)} | ${p.buffersCreated}, ${p.bindGroupsCreated}, ${p.writeBuffers} | ${p.dispatches} |`,
    );
  }
  const notes = rows.flatMap((r) => [r.tfjs, r.ortWeb].filter((x) => x?.note).map((x) => `- ${r.case}: ${x.note}`));
  return [...lines, ...new Set(notes)].join('\n');
}

/** The hand-off section (bench/handoff.mjs). */
export function handOffTable(rows) {
  const lines = [`| hand-off of a [${HANDOFF_SHAPE}] tensor | ms | / copy kernel |`, '|---|---|---|'];
  for (const r of rows)
    lines.push(`| ${r.handOff} | ${r.ms == null ? r.note : r.ms.toFixed(3)} | ${r.overCopyKernel == null ? '' : `${r.overCopyKernel.toFixed(2)}×`} |`);
  return lines.join('\n');
}

/** The section's markdown table: steps/s (median; min–max ms), ratios against TF.js and the floor. */
export function trainingTable(rows) {
  const sps = (m) => (m ? (1000 / m.medianMs).toFixed(1) : 'n/a');
  const ms = (m) => (m ? `${m.medianMs.toFixed(1)} (${m.minMs.toFixed(1)}–${m.maxMs.toFixed(1)})` : 'n/a');
  const lines = [
    '| case | ours steps/s | ours ms | raw floor ms | TF.js steps/s | TF.js ms | ours / TF.js (speed-up) | ours / floor (time) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const speedUp = r.tfjs ? `${(r.tfjs.medianMs / r.ours.medianMs).toFixed(2)}×` : (r.tfjsNote ?? 'n/a');
    lines.push(
      `| ${r.case} (${r.dispatches} dispatches) | ${sps(r.ours)} | ${ms(r.ours)} | ${ms(r.floor)} | ${sps(r.tfjs)} | ${ms(r.tfjs)} | ${speedUp} | ${(r.ours.medianMs / r.floor.medianMs).toFixed(2)}× |`,
    );
  }
  return lines.join('\n');
}
