/** The learned planar flow of an IGR_Planar statement, as named tf.Variables (created once in `create`). */
import { initPlanarFlowParams, type PlanarLayer } from '../../stdlib/transforms/planar-flow.js';
import type { RandomStream } from '../../stdlib/random.js';
import { tf } from '../../stdlib/tf.js';

/** `layers` planar layers on dimension `dim`, initialised from `rng`, named `<name>/flow/<i>/{w,u,b}`. */
export function planarFlowVariables(rng: RandomStream, name: string, dim: number, layers: number): { flow: PlanarLayer[]; variables: Map<string, tf.Variable> } {
  const variables = new Map<string, tf.Variable>();
  const flow = initPlanarFlowParams(dim, layers, rng).map((layer, i) => {
    const v = (key: 'w' | 'u' | 'b') => {
      const variable = tf.variable(layer[key], true);
      layer[key].dispose();
      variables.set(`${name}/flow/${i}/${key}`, variable);
      return variable;
    };
    return { w: v('w'), u: v('u'), b: v('b') };
  });
  return { flow, variables };
}
