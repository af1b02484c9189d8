/** Small canvas charts for the playground: line series over steps, and images (28×28 digits). */

/** One line series. */
export interface Series {
  readonly label: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** Draws series over their index (step) with min/max labels; skips non-finite values. */
export function drawLines(canvas: HTMLCanvasElement, series: readonly Series[], title: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#334';
  ctx.fillText(title, 6, 12);
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  if (all.length === 0) return;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i: number): number => 40 + ((w - 50) * i) / Math.max(1, n - 1);
  const y = (v: number): number => h - 16 - ((h - 34) * (v - lo)) / (hi - lo);
  ctx.fillStyle = '#667';
  ctx.fillText(hi.toPrecision(4), 2, 26);
  ctx.fillText(lo.toPrecision(4), 2, h - 18);
  ctx.fillText(`step ${n}`, w - 60, h - 3);
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      if (started) ctx.lineTo(x(i), y(v));
      else ctx.moveTo(x(i), y(v));
      started = true;
    });
    ctx.stroke();
    ctx.fillStyle = s.color;
    ctx.fillText(s.label, 60 + 110 * k, 12);
  });
}

/** Draws rows of 784 values in [0, 1] as 28×28 grey images in a grid. */
export function drawDigits(canvas: HTMLCanvasElement, values: Float32Array | Int32Array | Uint8Array, count: number, title: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const scale = 1; // 28 px digits: 16 samples fit the 240 × 150 canvas
  const perRow = Math.max(1, Math.floor(canvas.width / (28 * scale + 4)));
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#334';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(title, 4, 11);
  const image = ctx.createImageData(28, 28);
  for (let k = 0; k < count; k++) {
    for (let p = 0; p < 784; p++) {
      const g = 255 - Math.round(255 * Math.min(1, Math.max(0, values[k * 784 + p])));
      image.data.set([g, g, g, 255], 4 * p);
    }
    const tmp = document.createElement('canvas');
    tmp.width = 28;
    tmp.height = 28;
    tmp.getContext('2d')?.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, 4 + (k % perRow) * (28 * scale + 4), 16 + Math.floor(k / perRow) * (28 * scale + 4), 28 * scale, 28 * scale);
  }
}
