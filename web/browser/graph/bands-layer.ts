/**
 * The guide / model / generative bands behind the graph: a 2D canvas under sigma's edge layer, redrawn after
 * every sigma render so the bands follow the camera.
 */
import type Sigma from 'sigma';
import type { BandBox } from '../../../compiler/graph/layout.js';
import { BAND_STYLES } from '../../graph-style.js';

/** Creates the layer and keeps it in step with the camera; returns a function that redraws it. */
export function attachBandsLayer(renderer: Sigma, bands: readonly BandBox[]): () => void {
  const canvas = renderer.createCanvas('sgm-bands', { beforeLayer: 'edges' });
  const draw = (): void => {
    const { width, height } = renderer.getDimensions();
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    for (const band of bands) {
      // Layout y points down; the sigma graph stores -y (its y points up).
      const a = renderer.graphToViewport({ x: band.x0, y: -band.y0 });
      const b = renderer.graphToViewport({ x: band.x1, y: -band.y1 });
      // A few pixels beyond the box, so the nodes on its edge sit inside even when zoomed far out.
      const x = Math.min(a.x, b.x) - 12;
      const y = Math.min(a.y, b.y) - 12;
      const w = Math.abs(b.x - a.x) + 24;
      const h = Math.abs(b.y - a.y) + 24;
      const style = BAND_STYLES[band.block];
      ctx.fillStyle = style.fill;
      ctx.strokeStyle = 'rgba(90, 100, 115, 0.35)';
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.roundRect(x, y, w, h, 8);
      ctx.fill();
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = 'rgba(60, 70, 85, 0.75)';
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.fillText(style.label, x + 8, y + 14);
    }
  };
  renderer.on('afterRender', draw);
  return draw;
}
