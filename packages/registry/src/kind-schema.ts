import { z } from 'zod';
import { fn, zodSchema } from './shapes.js';

/**
 * The shape of a pipeline kind (`PipelineKindDefinition`), wherever a plugin declares it: in a flows
 * entry's `kinds` or beside a connector (`ConnectorDefinition.kinds`). Extra members are tolerated.
 */
export const pipelineKindSchema = z.looseObject({
  kind: z
    .string()
    .regex(
      /^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)*$/,
      'must be a lowercase id such as "acme.accounts" (dots separate words)',
    ),
  title: z.string().min(1),
  description: z.string(),
  group: z.string().min(1),
  /** `*`: a vendor-neutral kind whose own connection may be of any connector. */
  connectorId: z.string().min(1),
  settings: zodSchema,
  defaultSchedule: z.string().min(1),
  validate: fn.optional(),
  gate: fn.optional(),
  run: fn,
});
