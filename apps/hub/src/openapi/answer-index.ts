/**
 * Every answer schema, for the routes' `answer` names and the document (openapi/generate.ts). Loaded only
 * by the document: the hub imports it as a type.
 */
export * from './answers.js';
export * from './account-answers.js';
export * from './pipeline-answers.js';
export * from '../alerts/answers.js';
export * from '../ingest/answers.js';
