/**
 * Node labels that never overlap: sigma's label grid picks candidates per screen cell, but a long label still
 * runs into its neighbours'. This drawer keeps the boxes of the labels drawn in the current frame and skips a
 * label that would cover one of them or a node. Forced labels (stochastic, observed and objective nodes, search
 * matches) are always drawn, right of their node, and their boxes are reserved before the frame, so no other
 * label covers them. Other labels go under their node, centred: in a chain of small nodes there is more room
 * under each node than between it and the next.
 */
import type Sigma from 'sigma';
import type { NodeLabelDrawingFunction } from 'sigma/rendering';

interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Pixels between a node's edge and its label, as in sigma's own label drawer. */
const LABEL_OFFSET = 3;

/** Installs the drawer on `renderer` (as its default node label drawer); returns the nodes labelled in the last frame. */
export function installLabelDrawer(renderer: Sigma): () => string[] {
  let drawn: Box[] = [];
  let labelled: string[] = [];
  let reserved: Box[] = [];
  const measure = document.createElement('canvas').getContext('2d');
  const boxOf = (x: number, y: number, size: number, width: number, fontSize: number): Box => ({
    x0: x + size + LABEL_OFFSET - 2,
    y0: y - fontSize / 2 - 2,
    x1: x + size + LABEL_OFFSET + width + 2,
    y1: y + fontSize / 2 + 2,
  });
  const boxUnder = (x: number, y: number, size: number, width: number, fontSize: number): Box => ({
    x0: x - width / 2 - 2,
    y0: y + size + 1,
    x1: x + width / 2 + 2,
    y1: y + size + fontSize + 3,
  });
  const font = (): string => `${renderer.getSetting('labelWeight')} ${renderer.getSetting('labelSize')}px ${renderer.getSetting('labelFont')}`;

  // Reserved boxes are computed at the first label of each frame: by then sigma has normalised the node
  // positions and set the camera for this frame (at 'beforeRender' it may not have yet).
  let stale = true;
  renderer.on('beforeRender', () => {
    stale = true;
  });
  const reserve = (): void => {
    drawn = [];
    labelled = [];
    reserved = [];
    stale = false;
    if (!measure) return;
    measure.font = font();
    const fontSize = renderer.getSetting('labelSize');
    renderer.getGraph().forEachNode((node) => {
      const d = renderer.getNodeDisplayData(node) as (ReturnType<Sigma['getNodeDisplayData']> & { forceLabel?: boolean }) | undefined;
      if (!d || d.hidden) return;
      const p = renderer.framedGraphToViewport(d);
      const r = renderer.scaleSize(d.size);
      reserved.push({ x0: p.x - r, y0: p.y - r, x1: p.x + r, y1: p.y + r });
      if (d.forceLabel && d.label) reserved.push(boxOf(p.x, p.y, r, measure.measureText(d.label).width, fontSize));
    });
  };

  const draw: NodeLabelDrawingFunction = (context, data, settings) => {
    if (!data.label) return;
    if (stale) reserve();
    const fontSize = settings.labelSize;
    context.font = `${settings.labelWeight} ${fontSize}px ${settings.labelFont}`;
    const width = context.measureText(data.label).width;
    const forced = (data as { forceLabel?: boolean }).forceLabel === true;
    const box = forced ? boxOf(data.x, data.y, data.size, width, fontSize) : boxUnder(data.x, data.y, data.size, width, fontSize);
    if (!forced && (drawn.some((b) => overlaps(b, box)) || reserved.some((b) => overlaps(b, box)))) return;
    drawn.push(box);
    labelled.push(String((data as { key?: string }).key));
    context.fillStyle = settings.labelColor.color ?? '#000';
    if (forced) context.fillText(data.label, data.x + data.size + LABEL_OFFSET, data.y + fontSize / 3);
    else context.fillText(data.label, data.x - width / 2, data.y + data.size + fontSize);
  };
  renderer.setSetting('defaultDrawNodeLabel', draw);
  return () => [...labelled];
}
