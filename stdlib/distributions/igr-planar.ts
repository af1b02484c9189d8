/**
 * IGR_Planar(mu, sigma, tau, delta, layers): z = softmax++(f(μ + σ ε), τ, δ) with f a stack of learned planar
 * flows (IGR paper section 3.1; Rezende & Mohamed 2015; docs/math.md section 3, with the ‖w‖² decision for û).
 * The flow parameters are the distribution's own learned parameters (signature ownParams 'planar_flow'): pass
 * them as `flow` (tensors or tf.Variables, e.g. from initPlanarFlowParams wrapped in tf.variable); without
 * `flow`, `layers` fresh layers are made with a fixed seed (0).
 */
import { igrDiscreteProbsMonteCarlo } from '../igr/discrete-recovery.js';
import { RandomStream } from '../random.js';
import { tf } from '../tf.js';
import {
  initPlanarFlowParams,
  planarFlowInverse,
  planarFlowWithLogDet,
  type PlanarLayer,
} from '../transforms/planar-flow.js';
import { IgrBase, type IgrParams, type PreTransformResult } from './igr-base.js';

/** Named parameters of IGR_Planar. */
export interface IgrPlanarParams extends IgrParams {
  /** Number of planar layers (default 2; taken from `flow` when that is given). */
  readonly layers?: number;
  /** The learned flow: one { w [K-1], u [K-1], b [] } per layer. */
  readonly flow?: readonly PlanarLayer[];
}

/** IGR with planar flows before softmax++. */
export class IGR_Planar extends IgrBase {
  /** Number of planar layers. */
  readonly layers: number;
  /** The flow parameters, layer by layer. */
  readonly flow: readonly PlanarLayer[];

  constructor(params: IgrPlanarParams) {
    super('IGR_Planar', params);
    const dim = this.numCategories - 1;
    if (params.flow) {
      if (params.layers !== undefined && params.layers !== params.flow.length) {
        throw new RangeError(`IGR_Planar: layers = ${params.layers} but flow has ${params.flow.length} layers`);
      }
      for (const layer of params.flow) {
        if (layer.w.shape[layer.w.rank - 1] !== dim || layer.u.shape[layer.u.rank - 1] !== dim) {
          throw new RangeError(`IGR_Planar: flow w and u need a last axis of K-1 = ${dim}`);
        }
      }
      this.flow = params.flow;
    } else {
      this.flow = initPlanarFlowParams(dim, params.layers ?? 2, new RandomStream(0));
    }
    this.layers = this.flow.length;
  }

  protected preTransform(y: tf.Tensor): PreTransformResult {
    const { value, logDet } = planarFlowWithLogDet(y, this.flow);
    return { x: value, logDet: () => logDet };
  }

  protected preInverse(x: tf.Tensor): tf.Tensor {
    return planarFlowInverse(x, this.flow);
  }

  /** Monte Carlo recovery: mean of h(f(y)) over `samples` draws (docs/math.md section 5), [...batch, K]. */
  discreteProbs(rng?: RandomStream, samples = 1000): tf.Tensor {
    if (!rng) throw new TypeError('IGR_Planar.discreteProbs needs a RandomStream (Monte Carlo recovery)');
    return igrDiscreteProbsMonteCarlo(this, rng, samples);
  }
}
