// Registers sgm-source-hooks.mjs (node --import this file).
import { register } from 'node:module';

register('./sgm-source-hooks.mjs', import.meta.url);
