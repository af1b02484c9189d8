/**
 * A sigma.js node program that draws every node kind's shape (circle, square, diamond, hexagon) with a
 * border, in one WebGL draw call: each node is a quad, and the fragment shader cuts the shape out of it by
 * its signed distance. Reads the node attributes `color` (fill), `borderColor` and `shapeCode` (index into
 * NODE_SHAPES of web/graph-style.ts). Modelled on sigma's own NodeCircleProgram.
 */
import type { Attributes } from 'graphology-types';
import { NodeProgram, type ProgramInfo } from 'sigma/rendering';
import type { NodeDisplayData, RenderParams } from 'sigma/types';
import { floatColor } from 'sigma/utils';

/** Node display data with the attributes this program reads. */
type ShapeNodeData = NodeDisplayData & { borderColor?: string; shapeCode?: number };

const VERTEX_SHADER = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec4 a_borderColor;
attribute vec2 a_position;
attribute float a_size;
attribute float a_shape;
attribute vec2 a_corner;

uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_correctionRatio;

varying vec4 v_color;
varying vec4 v_borderColor;
varying vec2 v_local;
varying float v_shape;
varying float v_pixel;

const float bias = 255.0 / 254.0;
// The quad is larger than the shape so that the antialiased edge of the corners is not cut off.
const float margin = 1.25;

void main() {
  // As in sigma's circle program: the radius in clip units of a node whose size is its radius in pixels.
  float radius = a_size * u_correctionRatio / u_sizeRatio * 2.0;
  gl_Position = vec4((u_matrix * vec3(a_position + a_corner * radius * margin, 1)).xy, 0, 1);
  v_local = a_corner * margin;
  // One pixel in the shape's own units (radius = 1): u_correctionRatio * 2 is one pixel in clip units.
  v_pixel = u_correctionRatio * 2.0 / radius;
  v_shape = a_shape;
  #ifdef PICKING_MODE
  v_color = a_id;
  #else
  v_color = a_color;
  v_borderColor = a_borderColor;
  v_borderColor.a *= bias;
  #endif
  v_color.a *= bias;
}
`;

const FRAGMENT_SHADER = /* glsl */ `
precision highp float;

varying vec4 v_color;
varying vec4 v_borderColor;
varying vec2 v_local;
varying float v_shape;
varying float v_pixel;

const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);

// Signed distance (in radius units) to the shape: 0 circle, 1 square, 2 diamond, 3 hexagon (pointy top).
float shapeDistance(vec2 p, float shape) {
  vec2 q = abs(p);
  if (shape < 0.5) return length(p) - 1.0;
  if (shape < 1.5) return max(q.x, q.y) - 0.88;
  if (shape < 2.5) return (q.x + q.y - 1.15) * 0.7071;
  return max(q.x * 0.8660 + q.y * 0.5, q.y) - 1.0;
}

void main(void) {
  float d = shapeDistance(v_local, v_shape);
  #ifdef PICKING_MODE
  gl_FragColor = d > 0.0 ? transparent : v_color;
  #else
  // The border is a fifth of the radius, at least 1.5 pixels wide.
  float border = max(0.2, 1.5 * v_pixel);
  vec4 color = mix(v_color, v_borderColor, smoothstep(-border - v_pixel, -border, d));
  gl_FragColor = mix(color, transparent, smoothstep(-v_pixel, 0.0, d));
  #endif
}
`;

const { UNSIGNED_BYTE, FLOAT } = WebGLRenderingContext;
const UNIFORMS = ['u_sizeRatio', 'u_correctionRatio', 'u_matrix'] as const;
type Uniform = (typeof UNIFORMS)[number];

/** The program (register it under `nodeProgramClasses`). */
export class NodeShapeProgram<N extends Attributes = Attributes, E extends Attributes = Attributes, G extends Attributes = Attributes> extends NodeProgram<Uniform, N, E, G> {
  /** The shaders, attributes and the quad's six corners (two triangles). */
  getDefinition() {
    return {
      VERTICES: 6,
      VERTEX_SHADER_SOURCE: VERTEX_SHADER,
      FRAGMENT_SHADER_SOURCE: FRAGMENT_SHADER,
      METHOD: WebGLRenderingContext.TRIANGLES,
      UNIFORMS,
      ATTRIBUTES: [
        { name: 'a_position', size: 2, type: FLOAT },
        { name: 'a_size', size: 1, type: FLOAT },
        { name: 'a_color', size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: 'a_borderColor', size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: 'a_shape', size: 1, type: FLOAT },
        { name: 'a_id', size: 4, type: UNSIGNED_BYTE, normalized: true },
      ],
      CONSTANT_ATTRIBUTES: [{ name: 'a_corner', size: 2, type: FLOAT }],
      CONSTANT_DATA: [
        [-1, -1],
        [1, -1],
        [1, 1],
        [-1, -1],
        [1, 1],
        [-1, 1],
      ],
    };
  }

  /** Writes one node's attributes (in the order of ATTRIBUTES). */
  processVisibleItem(nodeIndex: number, startIndex: number, data: ShapeNodeData): void {
    const array = this.array;
    let i = startIndex;
    array[i++] = data.x;
    array[i++] = data.y;
    array[i++] = data.size;
    array[i++] = floatColor(data.color);
    array[i++] = floatColor(data.borderColor ?? data.color);
    array[i++] = data.shapeCode ?? 0;
    array[i++] = nodeIndex;
  }

  /** Sets the camera matrix and the size ratios. */
  setUniforms(params: RenderParams, { gl, uniformLocations }: ProgramInfo): void {
    gl.uniform1f(uniformLocations.u_correctionRatio, params.correctionRatio);
    gl.uniform1f(uniformLocations.u_sizeRatio, params.sizeRatio);
    gl.uniformMatrix3fv(uniformLocations.u_matrix, false, params.matrix);
  }
}
