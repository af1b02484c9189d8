/** stop_gradient(x) of the language: sgm's stdlib stopGradient (tfjs has no such op). */
export { stopGradient } from '../../stdlib/stop-gradient.js';
