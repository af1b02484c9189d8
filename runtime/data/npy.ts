/**
 * NumPy `.npy` files (format versions 1, 2 and 3; https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * reading C-order arrays of float16/32/64, signed/unsigned 8-64-bit integers and booleans, either byte order,
 * into float32; and writing float32 arrays (for `sgm sample` outputs).
 */
import { UserError } from '../errors.js';
import { float32Problem, makeDataset, type Dataset } from './dataset.js';
import { readDataFile, stemOf } from './read-file.js';

const MAGIC = '\x93NUMPY';

/** A decoded array: float32 values in C order and the shape. */
export interface NpyArray {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** Loads a .npy file as a dataset with one column named after the file (`x.npy` → `x`); axis 0 is rows. */
export function loadNpy(path: string): Dataset {
  const { values, shape } = parseNpy(readDataFile(path), path);
  if (shape.length === 0) throw new UserError(`${path}: a 0-d array has no rows (axis 0 must index the examples)`);
  return makeDataset(path, { [stemOf(path)]: { values, rowShape: shape.slice(1) } });
}

/** Decodes the bytes of a .npy file; `source` names it in messages. */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const fail = (why: string): never => {
    throw new UserError(`${source}: not a readable .npy file: ${why}`);
  };
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 6)) !== MAGIC) fail('missing the \\x93NUMPY magic string');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`format version ${major}.${bytes[7]} is not supported (1, 2 or 3)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail('the header is truncated');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1] ?? fail(`no 'descr' in the header ${header.trim()}`);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] ?? fail("no 'fortran_order' in the header");
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail("no 'shape' in the header");
  if (fortran === 'True') fail('Fortran-ordered arrays are not supported (save with np.ascontiguousarray(a))');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const reader = elementReader(descr) ?? fail(`dtype '${descr}' is not supported (use float32, float64, an integer type or bool)`);
  if (dataStart + count * reader.size > bytes.length) fail(`the data is truncated (${count} elements of ${reader.size} bytes expected)`);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = reader.read(view, dataStart + i * reader.size);
    const problem = float32Problem(v);
    if (problem !== undefined) throw new UserError(`${source}: ${position(i, shape)} is ${problem}`);
    values[i] = v;
  }
  return { values, shape };
}

/** Where flat element `i` of a C-order array of `shape` is, for messages: "element [3, 1, 0] (row 3, from 0)". */
function position(i: number, shape: readonly number[]): string {
  if (shape.length === 0) return 'the value';
  const index: number[] = [];
  let rest = i;
  for (let k = shape.length - 1; k >= 0; k--) {
    index.unshift(rest % shape[k]);
    rest = Math.floor(rest / shape[k]);
  }
  return `element [${index.join(', ')}] (row ${index[0]}, counting from 0)`;
}

/** The bytes of a version-1.0 .npy file holding a little-endian float32 C-order array. */
export function encodeNpy(values: Float32Array, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so magic + version + length + header (ending in '\n') is a multiple of 64, as numpy does.
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 4);
  out.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), 1, 0], 0);
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  for (let i = 0; i < values.length; i++) view.setFloat32(start + i * 4, values[i], true);
  return out;
}

interface ElementReader {
  readonly size: number;
  read(view: DataView, offset: number): number;
}

/** How to read one element of a dtype like '<f4', '>i8', '|u1', '|b1'; undefined when unsupported. */
function elementReader(descr: string): ElementReader | undefined {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) return undefined;
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText);
  // '=' is native order; every platform tfjs runs on is little-endian.
  const le = order !== '>';
  const key = `${kind}${size}`;
  const readers: Partial<Record<string, (v: DataView, o: number) => number>> = {
    f2: (v, o) => float16(v.getUint16(o, le)),
    f4: (v, o) => v.getFloat32(o, le),
    f8: (v, o) => v.getFloat64(o, le),
    i1: (v, o) => v.getInt8(o),
    i2: (v, o) => v.getInt16(o, le),
    i4: (v, o) => v.getInt32(o, le),
    i8: (v, o) => Number(v.getBigInt64(o, le)),
    u1: (v, o) => v.getUint8(o),
    u2: (v, o) => v.getUint16(o, le),
    u4: (v, o) => v.getUint32(o, le),
    u8: (v, o) => Number(v.getBigUint64(o, le)),
    b1: (v, o) => (v.getUint8(o) !== 0 ? 1 : 0),
  };
  const read = readers[key];
  return read ? { size, read } : undefined;
}

/** An IEEE half-precision value from its 16 bits. */
function float16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
