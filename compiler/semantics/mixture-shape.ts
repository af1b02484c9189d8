/**
 * Event rule 'mixture' (MixtureSameFamily(mixture, components)): which families may be mixed and the sample shape.
 * The rule is torch.distributions.MixtureSameFamily's: the components' LAST BATCH AXIS holds the K components (the
 * last axis of an elementwise family such as Normal(means [K], ...), the axis before D of a vector family such as
 * MultivariateNormalDiag(means [K, D], ...)); the mixture is a Categorical over the same K whose batch axes broadcast
 * with the components' other batch axes. A draw has the components' batch shape without K, then their event axes.
 */
import { familyNames, isCategoricalFamily, type DistributionSig } from '../../stdlib/signatures/index.js';
import type { CheckContext } from './context.js';
import { argTensor } from './shape-rules.js';
import { broadcast, compatibleDims, formatShape, type Shape } from './shape.js';
import type { DistributionType, ResolvedCall } from './types.js';

/** A family the mixture can mix: an exact continuous density that is not itself a mixture (table facts only). */
function mixable(d: DistributionSig): boolean {
  return !d.discrete && d.relaxation === 'none' && d.measure === 'density' && d.event.kind !== 'mixture';
}

/** A categorical family drawing an index (Categorical, not its one-hot form). */
function indexCategorical(d: DistributionSig): boolean {
  return isCategoricalFamily(d) && d.event.kind === 'index';
}

/** The mixture's distribution type, or undefined after reporting an error. */
export function mixtureResult(
  ctx: CheckContext,
  call: ResolvedCall,
  make: (shape: Shape | null, eventRank: number) => DistributionType,
): DistributionType | undefined {
  const mixture = call.args.get('mixture');
  const components = call.args.get('components');
  if (mixture?.type.kind !== 'distribution' || components?.type.kind !== 'distribution') return undefined;
  const mix = mixture.type;
  const comp = components.type;
  if (!indexCategorical(mix.sig)) {
    ctx.report('SGM2107', mixture.span, `the mixture of MixtureSameFamily must be a Categorical, not ${mix.sig.name}`, {
      label: 'not a distribution over component indices',
      help: `write ${familyNames(indexCategorical).map((n) => `${n}(logits = w)`).join(' or ')} with w of shape [..., K]`,
    });
    return undefined;
  }
  if (!mixable(comp.sig)) {
    ctx.report('SGM2107', components.span, `MixtureSameFamily cannot mix ${comp.sig.name}`, {
      label: 'not an exact continuous family',
      notes: [`MixtureSameFamily mixes: ${familyNames(mixable).join(', ')}`],
    });
    return undefined;
  }
  const logits = argTensor(mix.call, 'logits') ?? argTensor(mix.call, 'probs');
  const kMix = logits?.shape && logits.shape.length > 0 ? logits.shape[logits.shape.length - 1] : undefined;
  const shape = comp.sampleShape;
  if (shape === null) return make(null, comp.eventRank);
  const batch = shape.slice(0, shape.length - comp.eventRank);
  const event = shape.slice(shape.length - comp.eventRank);
  const vector = comp.eventRank > 0 ? ` (the axis before the event axis of ${comp.sig.name})` : '';
  const kComp = batch[batch.length - 1];
  if (batch.length === 0 || (kMix !== undefined && !compatibleDims(kComp, kMix))) {
    ctx.report('SGM3002', components.span, `the components of MixtureSameFamily need the ${kMix ?? 'K'} components on their last batch axis${vector}`, {
      label: batch.length === 0
        ? `${comp.sig.name} has no batch axis (shape ${formatShape(shape)}, all of it one event)`
        : `${comp.sig.name}'s batch is ${formatShape(batch)}: its last batch axis has ${kComp}, not ${kMix ?? 'K'}`,
      related: logits ? [{ span: mixture.span, message: `K = ${kMix ?? '?'} components (the last axis of ${formatShape(logits.shape)})` }] : [],
      help: comp.eventRank === 0 ? 'for K clusters of D-dimensional points use MultivariateNormalDiag(means [K, D], scales)' : undefined,
    });
    return undefined;
  }
  const out = broadcast(batch.slice(0, -1), mix.sampleShape);
  if (!out.ok) {
    ctx.report('SGM3002', mixture.span, 'shape mismatch between the mixture and the components of MixtureSameFamily', {
      label: `the mixture's batch ${formatShape(mix.sampleShape)} does not broadcast with the components' ${formatShape(batch.slice(0, -1))}`,
    });
    return undefined;
  }
  return make(out.shape === null ? null : [...out.shape, ...event], comp.eventRank);
}
