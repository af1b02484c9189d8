// Runs before every test file: loads tfjs (with gradients) and selects the backend for numeric tests.
// SGM_TEST_BACKEND=wasm runs the suite on WASM; the default CPU backend is the reference implementation.
import { initBackend, type BackendName } from '../runtime/backend/index.js';

await initBackend((process.env.SGM_TEST_BACKEND as BackendName | undefined) ?? 'cpu');
