// The layered left-to-right layout of model graphs (compiler/graph/layout.ts): every node placed, no two in one
// place, edges left to right but for the few reversed to break cycles, each node inside its block's band, the
// same positions on every run, and a long graph wrapped into rows near the target aspect ratio.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../compiler/graph/build.js';
import { layoutGraph } from '../../compiler/graph/layout.js';
import type { ModelGraph } from '../../compiler/graph/model-graph.js';
import { checkSource } from '../../compiler/pipeline.js';
import { packageRoot } from '../../runtime/package-root.js';
import { largeModelSource } from '../browser/large-model.js';

const graphOf = (path: string, text: string): ModelGraph => {
  const r = checkSource(path, text);
  expect(r.ok, path).toBe(true);
  return buildGraph(r.models[0]).value;
};

const models = readdirSync(join(packageRoot(), 'models'))
  .filter((f) => f.endsWith('.sgm'))
  .map((f) => [f, graphOf(f, readFileSync(join(packageRoot(), 'models', f), 'utf8'))] as const);

describe.each(models)('the layout of %s', (_file, g) => {
  it('places every node once, in its band, with edges going right except the reversed ones', () => {
    const layout = layoutGraph(g);
    expect([...layout.positions.keys()].sort()).toEqual(g.nodes().sort());
    const spots = new Set([...layout.positions.values()].map((p) => `${p.x},${p.y}`));
    expect(spots.size).toBe(g.order);
    const reversed = new Set(layout.reversed);
    g.forEachEdge((_e, _a, s, t) => {
      const [ps, pt] = [layout.positions.get(s)!, layout.positions.get(t)!];
      if (s === t || reversed.has(`${s}->${t}`)) return;
      expect(pt.layer, `${s} -> ${t}`).toBeGreaterThan(ps.layer);
    });
    g.forEachNode((id, a) => {
      const p = layout.positions.get(id)!;
      const band = layout.bands.find((b) => b.block === a.block && b.row === p.row)!;
      expect(band, id).toBeDefined();
      expect(p.x > band.x0 && p.x < band.x1 && p.y > band.y0 && p.y < band.y1, id).toBe(true);
    });
    expect(layoutGraph(g)).toEqual(layout);
  });
});

describe('layoutGraph', () => {
  it('breaks the VAE cycle (x feeds the guide, the likelihood feeds x) at the likelihood edge, keeping x leftmost', () => {
    const g = models.find(([f]) => f === 'igr_vae.sgm')![1];
    const layout = layoutGraph(g);
    expect(layout.reversed).toEqual(['x.logits->x']);
    expect(layout.positions.get('x')!.layer).toBe(0);
    expect(layout.rows).toBe(1);
    // Guide band above, generative band below.
    const top = (block: string) => layout.bands.find((b) => b.block === block)!.y0;
    expect(top('guide')).toBeLessThan(top('model'));
    expect(top('model')).toBeLessThan(top('generative'));
  });

  it('wraps a 200-node model into rows, so its shape is near the aspect asked for', () => {
    const g = graphOf('large.sgm', largeModelSource());
    expect(g.order).toBeGreaterThanOrEqual(200);
    const layout = layoutGraph(g, { aspect: 1.3 });
    expect(layout.rows).toBeGreaterThan(3);
    const aspect = layout.width / layout.height;
    expect(aspect).toBeGreaterThan(1.3 / 2);
    expect(aspect).toBeLessThan(1.3 * 2);
    const unwrapped = layoutGraph(g, { aspect: 1000 });
    expect(unwrapped.rows).toBe(1);
  });
});
