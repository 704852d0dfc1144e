/**
 * zod, as the host and its plugins share it at run time. The compiled packages import `zod` from here
 * (tsdown.base.ts aliases it), and this entry's build holds zod in one file: zod itself is ~80 ES modules, and
 * Node 20 spends about 1 ms resolving, reading and linking each one at every start (~0.09 s of a cold start).
 * Sources, tests and type checks import `zod` itself; this module is the same zod, re-exported.
 */
export * from 'zod';
export { z as default } from 'zod';
