import { Hono } from 'hono';
import { z } from 'zod';
import { HubError, invalidInput, isHubError } from '../errors.js';
import { documenter } from '../openapi/describe.js';
import { json } from '../validate.js';
import { type ApplyAnswer, applyAnswer, exportAnswer } from './document.js';
import { type ConfigDeps, exportConfig } from './export.js';
import { planConfig } from './plan.js';

const applyBody = z.strictObject({
  /** The document (parsed YAML, secret references resolved by the CLI). */
  document: z.unknown(),
  dryRun: z.boolean().default(false),
  /** Delete what the document leaves out (otherwise it is listed as unmanaged and kept). */
  prune: z.boolean().default(false),
});

/**
 * `/api/config`: the hub's configuration as one document (`GET`), and `POST /apply` making the hub match one.
 * Apply goes through the same stores as the API (so the scheduler, delivery and alerts see every change); it
 * validates the whole document first and answers 400 with every problem, changing nothing.
 */
export function configRoutes(deps: ConfigDeps) {
  const app = new Hono();
  const doc = documenter(app, 'Config');
  // One apply at a time: a plan is only valid against the state it was made from.
  let chain: Promise<unknown> = Promise.resolve();

  doc.get('/', {
    summary: 'The configuration as one document (secrets as environment variable references) and the variables to set',
    answer: () => exportAnswer,
  });
  app.get('/', async (c) => c.json(await exportConfig(deps)));

  doc.post('/apply', {
    summary: 'Make the hub match a document (or plan it: dryRun); every problem in one 400 before any change',
    body: applyBody,
    answer: () => applyAnswer,
    errors: [409, 502],
  });
  app.post('/apply', json(applyBody), async (c) => {
    const { document, dryRun, prune } = c.req.valid('json');
    const run = chain.then(async (): Promise<ApplyAnswer> => {
      const planned = await planConfig(deps, document, { prune });
      if (planned.problems.length > 0) throw invalidInput(planned.problems);
      const answer = { dryRun, prune, plan: planned.plan, writeKeys: planned.writeKeys };
      if (dryRun) return answer;
      const done: typeof planned.plan.changes = [];
      for (const step of planned.steps) {
        try {
          await step.run();
        } catch (error) {
          // A kind's save-time checks (the vendor) or a concurrent change: say what was applied before it.
          const what = `${step.change.action} ${step.change.type} "${step.change.name}"`;
          const message = error instanceof Error ? error.message : String(error);
          throw new HubError(
            isHubError(error) ? error.code : 'internal',
            `Stopped at ${what}: ${message}. ${done.length} of ${planned.steps.length} changes were applied before it.`,
            { ...(isHubError(error) ? error.extra : {}), applied: done, writeKeys: planned.writeKeys },
            { cause: error },
          );
        }
        done.push(step.change);
      }
      await deps.audit.record('config.apply', null, {
        changes: done.length,
        prune,
        created: done.filter((x) => x.action === 'create').length,
        updated: done.filter((x) => x.action === 'update').length,
        deleted: done.filter((x) => x.action === 'delete').length,
      });
      return answer;
    });
    chain = run.catch(() => undefined);
    return c.json(await run);
  });

  return app;
}
