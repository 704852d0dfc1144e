import { type ServiceHost, type ServiceOpenApi, serviceOpenApiPaths } from '@synchub/core';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import {
  CreatedRuleAnswer,
  DeliveriesAnswer,
  DeliveryAnswer,
  ReplayAnswer,
  RuleAnswer,
  RulesAnswer,
  SecretAnswer,
  TestAnswer,
  TriggerAnswer,
  TriggersAnswer,
} from './answers.js';
import { DELIVERY_ORIGINS, DELIVERY_STATES } from './deliveries.js';
import { errorResponse, QualtricsError } from './errors.js';
import type { Qualtrics } from './service.js';
import { templateSchema } from './template.js';
import type { TriggerView } from './triggers.js';
import { json, query } from './validate.js';

const name = z.string().trim().min(1, 'required').max(100, 'at most 100 characters');
const url = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => v === '' || /^https?:\/\/[^\s]+$/i.test(v), 'must be an http(s) URL')
  .nullable();
const username = z.string().trim().max(200).nullable();

const createBody = z.strictObject({
  name,
  connectionId: z.string().min(1, 'required'),
  triggerUrl: url.optional(),
  username: username.optional(),
  template: templateSchema.default([]),
  enabled: z.boolean().optional(),
});
const patchBody = z.strictObject({
  name: name.optional(),
  connectionId: z.string().min(1).optional(),
  triggerUrl: url.optional(),
  username: username.optional(),
  template: templateSchema.optional(),
  enabled: z.boolean().optional(),
});
const testBody = z
  .strictObject({
    input: z.record(z.string(), z.unknown()).optional(),
    /** Without it the answer is the request a test would send; with it the real workflow runs. */
    confirm: z.boolean().optional(),
  })
  .default({});
/** A sample event the rule's key/values are checked against (an object as the app sends it). */
const sample = z.record(z.string(), z.unknown(), { error: 'a sample event must be a JSON object' });
const ruleBody = z.strictObject({
  triggerId: z.string().min(1, 'required'),
  type: z.literal('track').default('track'),
  event: z.string().trim().min(1, 'required').max(200),
  sourceId: z.string().min(1).nullable().optional(),
  enabled: z.boolean().optional(),
  sample: sample.optional(),
});
const rulePatch = z.strictObject({
  event: z.string().trim().min(1).max(200).optional(),
  sourceId: z.string().min(1).nullable().optional(),
  enabled: z.boolean().optional(),
  sample: sample.optional(),
});
const rulesQuery = z.strictObject({ triggerId: z.string().min(1).optional() });
const deliveriesQuery = z.strictObject({
  triggerId: z.string().min(1).optional(),
  state: z.enum(DELIVERY_STATES).optional(),
  origin: z.enum(DELIVERY_ORIGINS).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const replayBody = z.strictObject({ triggerId: z.string().min(1).optional() }).default({});

const deliveryIdOf = (c: Context) => {
  const id = Number(c.req.param('id'));
  if (!Number.isInteger(id) || id <= 0) {
    throw new QualtricsError('invalid_input', 'Delivery id must be a positive integer', {
      issues: [{ path: 'id', message: 'not an id' }],
    });
  }
  return id;
};

/** Admin API under /api/qualtrics: triggers, their event rules, deliveries (replay) and the test call. */
/** The routes above for the hub's /api/openapi.json (`FlowService.openapi`), from the schemas that validate them. */
export function qualtricsOpenApi(): ServiceOpenApi {
  return {
    api: serviceOpenApiPaths([
      {
        method: 'get',
        path: '/triggers',
        summary: 'Workflow triggers with their delivery status',
        answer: TriggersAnswer,
      },
      {
        method: 'post',
        path: '/triggers',
        summary: 'Create a trigger; the answer is the only one that carries its webhook secret',
        body: createBody,
        answer: SecretAnswer,
        status: 201,
      },
      { method: 'get', path: '/triggers/:id', summary: 'One trigger', answer: TriggerAnswer },
      { method: 'patch', path: '/triggers/:id', summary: 'Change a trigger', body: patchBody, answer: TriggerAnswer },
      { method: 'delete', path: '/triggers/:id', summary: 'Delete a trigger', status: 204 },
      {
        method: 'post',
        path: '/triggers/:id/rotate-secret',
        summary: 'Replace the webhook secret',
        answer: SecretAnswer,
      },
      {
        method: 'post',
        path: '/triggers/:id/test',
        summary: 'Dry run (the request it would send), or with confirm: true the real workflow',
        body: testBody,
        answer: TestAnswer,
      },
      {
        method: 'get',
        path: '/rules',
        summary: 'Event rules (hub track events → a trigger)',
        query: rulesQuery,
        answer: RulesAnswer,
      },
      {
        method: 'post',
        path: '/rules',
        summary: 'Create an event rule',
        body: ruleBody,
        answer: CreatedRuleAnswer,
        status: 201,
      },
      { method: 'patch', path: '/rules/:id', summary: 'Change an event rule', body: rulePatch, answer: RuleAnswer },
      { method: 'delete', path: '/rules/:id', summary: 'Delete an event rule', status: 204 },
      {
        method: 'get',
        path: '/deliveries',
        summary: 'Calls to Qualtrics, newest first',
        query: deliveriesQuery,
        answer: DeliveriesAnswer,
      },
      {
        method: 'post',
        path: '/deliveries/replay',
        summary: 'Every failed delivery (of one trigger, or all) back in the queue',
        body: replayBody,
        answer: ReplayAnswer,
      },
      { method: 'get', path: '/deliveries/:id', summary: 'One delivery', answer: DeliveryAnswer },
      {
        method: 'post',
        path: '/deliveries/:id/replay',
        summary: 'One failed delivery back in the queue',
        answer: ReplayAnswer,
      },
    ]),
    hooks: serviceOpenApiPaths([
      {
        method: 'post',
        path: '/:triggerId',
        summary: "A Gainsight External Action's call: one Qualtrics workflow run per call",
        description:
          "Authenticated by the trigger's secret: `X-Synchub-Secret: <secret>` or `Authorization: Bearer <secret>`.",
        body: z.record(z.string(), z.unknown()),
        status: 202,
      },
    ]),
  };
}

export function qualtricsRoutes(qualtrics: Qualtrics, host: Pick<ServiceHost, 'audit' | 'log' | 'publicUrl'>) {
  const { triggers, rules, deliveries } = qualtrics;
  /** Where Gainsight's External Action must call: under the hub's public URL (SYNCHUB_PUBLIC_URL). */
  const webhookUrlOf = (id: string) => `${host.publicUrl}/hooks/qualtrics/${encodeURIComponent(id)}`;
  // The hub mounts this behind its admin token and hands over the request with its full path.
  const app = new Hono().basePath('/api/qualtrics');
  app.onError((error, c) => errorResponse(error, c, host.log));

  const withStatus = async (t: TriggerView) => ({
    ...t,
    webhookUrl: webhookUrlOf(t.id),
    counts: await deliveries.counts(t.id),
  });

  app.get('/triggers', async (c) => {
    const list = await triggers.list();
    return c.json({ triggers: await Promise.all(list.map((t) => withStatus(t))) });
  });

  /** The answer holds the webhook secret: the only time the hub reveals it. */
  app.post('/triggers', json(createBody), async (c) => {
    const { trigger, secret } = await triggers.create(c.req.valid('json'));
    await host.audit('qualtrics.trigger.create', trigger.id, { name: trigger.name });
    return c.json({ trigger: await withStatus(trigger), secret, webhookUrl: webhookUrlOf(trigger.id) }, 201);
  });

  app.get('/triggers/:id', async (c) => c.json({ trigger: await withStatus(await triggers.get(c.req.param('id'))) }));

  app.patch('/triggers/:id', json(patchBody), async (c) => {
    const body = c.req.valid('json');
    // Hub events feed this trigger through its rules: new key/values must find values in those events.
    if (body.template) await rules.checkTemplateForRules(c.req.param('id'), body.template);
    const trigger = await triggers.update(c.req.param('id'), body);
    await host.audit('qualtrics.trigger.update', trigger.id, { fields: Object.keys(c.req.valid('json')) });
    // Enabling a trigger releases the calls it held.
    qualtrics.wake();
    return c.json({ trigger: await withStatus(trigger) });
  });

  app.delete('/triggers/:id', async (c) => {
    await triggers.remove(c.req.param('id'));
    await host.audit('qualtrics.trigger.delete', c.req.param('id'));
    return c.body(null, 204);
  });

  app.post('/triggers/:id/rotate-secret', async (c) => {
    const { trigger, secret } = await triggers.rotateSecret(c.req.param('id'));
    await host.audit('qualtrics.trigger.rotate_secret', trigger.id);
    return c.json({ trigger: await withStatus(trigger), secret, webhookUrl: webhookUrlOf(trigger.id) });
  });

  /**
   * "Test": without `confirm: true` a dry run answering the request it would send (nothing is sent); with
   * it, the real workflow runs. A failed test is an answer (200, ok:false with Qualtrics' status and body).
   */
  app.post('/triggers/:id/test', json(testBody), async (c) => {
    const result = await qualtrics.test(c.req.param('id'), c.req.valid('json'));
    if (!result.dryRun) {
      await host.audit('qualtrics.trigger.test', c.req.param('id'), { ok: result.ok, status: result.status });
    }
    return c.json(result);
  });

  app.get('/rules', query(rulesQuery), async (c) => c.json({ rules: await rules.list(c.req.valid('query')) }));

  app.post('/rules', json(ruleBody), async (c) => {
    const rule = await rules.create(c.req.valid('json'));
    await host.audit('qualtrics.rule.create', rule.id, { triggerId: rule.triggerId, event: rule.event });
    return c.json({ rule }, 201);
  });

  app.patch('/rules/:id', json(rulePatch), async (c) => {
    const rule = await rules.update(c.req.param('id'), c.req.valid('json'));
    await host.audit('qualtrics.rule.update', rule.id, { fields: Object.keys(c.req.valid('json')) });
    return c.json({ rule });
  });

  app.delete('/rules/:id', async (c) => {
    await rules.remove(c.req.param('id'));
    await host.audit('qualtrics.rule.delete', c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/deliveries', query(deliveriesQuery), async (c) => {
    const q = c.req.valid('query');
    const [list, counts] = await Promise.all([deliveries.list(q), deliveries.counts(q.triggerId)]);
    return c.json({ deliveries: list, counts });
  });

  /** Every failed delivery (of one trigger, or all) back in the queue. */
  app.post('/deliveries/replay', json(replayBody), async (c) => {
    const { triggerId } = c.req.valid('json');
    const replayed = await qualtrics.replay({ triggerId });
    await host.audit('qualtrics.deliveries.replay', triggerId ?? null, { replayed });
    return c.json({ replayed });
  });

  app.get('/deliveries/:id', async (c) => {
    const delivery = await deliveries.get(deliveryIdOf(c));
    if (!delivery) throw new QualtricsError('not_found', `No delivery with id ${c.req.param('id')}`);
    return c.json({ delivery });
  });

  app.post('/deliveries/:id/replay', async (c) => {
    const id = deliveryIdOf(c);
    const found = await deliveries.get(id);
    if (!found) throw new QualtricsError('not_found', `No delivery with id ${id}`);
    if (found.state === 'delivered') {
      const ids = [found.eventId && `eventId ${found.eventId}`, found.requestId && `requestId ${found.requestId}`]
        .filter(Boolean)
        .join(', ');
      throw new QualtricsError(
        'conflict',
        `Delivery ${id} was accepted by Qualtrics (${found.statusCode ?? '2xx'}${ids ? `, ${ids}` : ''}): its workflow has already run, so it is never sent again`,
      );
    }
    if (found.state === 'failed' && found.statusCode !== null && found.statusCode >= 200 && found.statusCode < 300) {
      throw new QualtricsError(
        'conflict',
        `Delivery ${id} was answered ${found.statusCode} by Qualtrics, so its workflow has already run; it is never sent again`,
      );
    }
    if (found.state !== 'failed' || found.origin === 'test') {
      throw new QualtricsError(
        'conflict',
        found.origin === 'test'
          ? `Delivery ${id} is a test; send another test instead of replaying it`
          : `Delivery ${id} is ${found.state} (queued); only failed deliveries can be replayed`,
      );
    }
    const replayed = await qualtrics.replay({ id });
    await host.audit('qualtrics.deliveries.replay', String(id), { replayed });
    const after = await deliveries.get(id);
    if (replayed === 0 && after?.lastError) {
      // Rebuilt from its event with the current key/values and still empty: say why, keep it failed.
      throw new QualtricsError('conflict', `Delivery ${id} was not replayed: ${after.lastError.message}`);
    }
    return c.json({ replayed });
  });

  return app;
}
