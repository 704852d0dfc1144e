import { Hono } from 'hono';
import type { Audit } from '../audit.js';
import { json, query } from '../validate.js';
import { historyQuery, ruleInput, rulePatch } from './schema.js';
import type { Alerts } from './service.js';

/**
 * `/api/alerts`: rules with their channels inline (a rule is one condition and where it is told), their
 * state, the notification history, the budgets a rule can name, and "send a test alert".
 */
export function alertRoutes(deps: { alerts: Alerts; audit: Audit }) {
  const { alerts, audit } = deps;
  const app = new Hono();
  app.get('/', async (c) => c.json({ rules: await alerts.list() }));
  // Before `/:id`.
  app.get('/history', query(historyQuery), async (c) =>
    c.json({ history: await alerts.history(c.req.valid('query')) }),
  );
  app.get('/budgets', async (c) => c.json({ budgets: await alerts.budgets() }));
  app.post('/', json(ruleInput), async (c) => {
    const rule = await alerts.create(c.req.valid('json'));
    await audit.record('alert.create', rule.id, { name: rule.name, condition: rule.condition.type });
    return c.json({ rule }, 201);
  });
  app.get('/:id', async (c) => c.json({ rule: await alerts.get(c.req.param('id')) }));
  app.patch('/:id', json(rulePatch), async (c) => {
    const rule = await alerts.update(c.req.param('id'), c.req.valid('json'));
    await audit.record('alert.update', rule.id, { fields: Object.keys(c.req.valid('json')) });
    return c.json({ rule });
  });
  app.delete('/:id', async (c) => {
    await alerts.remove(c.req.param('id'));
    await audit.record('alert.delete', c.req.param('id'));
    return c.body(null, 204);
  });
  /** One try per channel, answered per channel: `{ results: [{ channel, target, ok, error? }] }`. */
  app.post('/:id/test', async (c) => {
    const results = await alerts.test(c.req.param('id'));
    await audit.record('alert.test', c.req.param('id'), { ok: results.every((r) => r.ok) });
    return c.json({ ok: results.every((r) => r.ok), results });
  });
  return app;
}
