/**
 * sgm/compiler: parse, check, analyse and compile .sgm models. Each stage returns `{ value, diagnostics }`.
 */
export * from './diagnostics/index.js';
export { parse } from './syntax/parse.js';
export type * from './syntax/ast.js';
export { check, checkModel, type CheckOptions } from './semantics/check.js';
export { DEFAULT_SIZE_LIMITS, MAX_FOLDED_ELEMENTS, type SizeLimits } from './semantics/limits.js';
export { MAX_BRACKET_DEPTH, MAX_EXPRESSION_DEPTH, MAX_STATEMENTS, MAX_TOKENS } from './syntax/nesting.js';
export { MAX_SYNTAX_ERRORS } from './syntax/parser.js';
export type { CheckedModel, ExprType, TensorType } from './semantics/types.js';
export { checkSource, type FrontEndOptions, type FrontEndResult } from './pipeline.js';
export { analyze, ENUMERATION_LIMIT, type AnalysisOptions } from './analysis/analyze.js';
export { applicableEstimators, decisionWith, type ApplicableEstimator } from './analysis/applicable.js';
export { estimatorNames, type EstimatorOverride, type EstimatorOverrides } from './analysis/estimator-overrides.js';
export type { Plan, EstimatorDecision, KlDecision, EvaluatedNode, ObjectivePlan } from './analysis/plan.js';
export { formatPlan, planRows, type PlanRow } from './analysis/explain.js';
export * from './graph/index.js';
export { generate, type GenerateOptions } from './codegen/generate.js';
export { transpileToJs } from './codegen/transpile.js';
export { compileSource, type CompileOptions, type CompileResult } from './compile.js';
export { SGM_VERSION } from './version.js';
