import { Hono } from 'hono';
import { z } from 'zod';
import type { Audit } from '../audit.js';
import { documenter } from '../openapi/describe.js';
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
  const doc = documenter(app, 'Alerts');
  doc.get('/', {
    summary: 'Alert rules with their channels and state',
    answer: (a) => z.object({ rules: z.array(a.AlertRule) }),
  });
  app.get('/', async (c) => c.json({ rules: await alerts.list() }));
  // Before `/:id`.
  doc.get('/history', {
    summary: 'Notifications sent, newest first',
    query: historyQuery,
    answer: (a) => z.object({ history: z.array(a.AlertHistoryEntry) }),
  });
  app.get('/history', query(historyQuery), async (c) =>
    c.json({ history: await alerts.history(c.req.valid('query')) }),
  );
  doc.get('/budgets', {
    summary: 'Budgets a rule can name',
    answer: (a) => z.object({ budgets: z.array(a.AlertBudget) }),
  });
  app.get('/budgets', async (c) => c.json({ budgets: await alerts.budgets() }));
  doc.post('/', {
    summary: 'Create a rule',
    body: ruleInput,
    answer: (a) => z.object({ rule: a.AlertRule }),
    status: 201,
  });
  app.post('/', json(ruleInput), async (c) => {
    const rule = await alerts.create(c.req.valid('json'));
    await audit.record('alert.create', rule.id, { name: rule.name, condition: rule.condition.type });
    return c.json({ rule }, 201);
  });
  doc.get('/:id', { summary: 'One rule', answer: (a) => z.object({ rule: a.AlertRule }) });
  app.get('/:id', async (c) => c.json({ rule: await alerts.get(c.req.param('id')) }));
  doc.patch('/:id', { summary: 'Change a rule', body: rulePatch, answer: (a) => z.object({ rule: a.AlertRule }) });
  app.patch('/:id', json(rulePatch), async (c) => {
    const rule = await alerts.update(c.req.param('id'), c.req.valid('json'));
    await audit.record('alert.update', rule.id, { fields: Object.keys(c.req.valid('json')) });
    return c.json({ rule });
  });
  doc.delete('/:id', { summary: 'Delete a rule', answer: null });
  app.delete('/:id', async (c) => {
    await alerts.remove(c.req.param('id'));
    await audit.record('alert.delete', c.req.param('id'));
    return c.body(null, 204);
  });
  doc.post('/:id/test', { summary: 'Send a test alert through each channel', answer: 'AlertTestResult' });
  app.post('/:id/test', async (c) => {
    const results = await alerts.test(c.req.param('id'));
    await audit.record('alert.test', c.req.param('id'), { ok: results.every((r) => r.ok) });
    return c.json({ ok: results.every((r) => r.ok), results });
  });
  return app;
}
