import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { MASK } from '../connections.js';
import { AlertBudget, AlertHistoryEntry, AlertRule, AlertTestResult } from './answers.js';
import {
  addConnection,
  alertHub,
  type Mailbox,
  type Receiver,
  runBehaviour,
  startMailbox,
  startReceiver,
} from './test-fixtures.js';

// The alert answer schemas describe what /api/alerts answers (the dashboard's alert types come from them):
// real answers — a firing rule with both channels, its history, a test alert, the budgets — must parse.

const clock = { now: Date.UTC(2026, 10, 23, 12, 0, 0) };
let t: Awaited<ReturnType<typeof alertHub>>;
let hook: Receiver;
let mail: Mailbox;

beforeEach(async () => {
  runBehaviour.fail = false;
  hook = await startReceiver();
  mail = await startMailbox('alerts@example.com', 'smtp-secret');
  t = await alertHub(clock);
});
afterEach(async () => {
  runBehaviour.fail = false;
  await t.hub.close();
  await hook.close();
  await mail.close();
});

function conforms(schema: z.ZodType, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  expect(parsed.success ? [] : parsed.error.issues, what).toEqual([]);
}

describe('alert answers match their documented schemas', () => {
  it('rules, history, test results and budgets', async () => {
    const connectionId = await addConnection(t);
    const p = await t.call<{ pipeline: { id: string } }>('POST', '/api/pipelines', {
      kind: 'test.alerts',
      name: 'Accounts',
      connectionId,
      settings: {},
    });
    const created = await t.call<{ rule: { id: string } }>('POST', '/api/alerts', {
      name: 'Runs failing',
      condition: { type: 'run_failed', pipelineId: p.body.pipeline.id },
      channels: {
        webhook: { url: hook.url },
        email: {
          host: '127.0.0.1',
          port: mail.port,
          user: 'alerts@example.com',
          password: 'smtp-secret',
          from: 'synchub@example.com',
          to: ['oncall@example.com'],
        },
      },
    });
    expect(created.status).toBe(201);
    conforms(AlertRule, created.body.rule, 'created rule');
    const { id } = created.body.rule;
    await t.call('POST', '/api/alerts', { name: 'Budget', condition: { type: 'budget_used', percent: 80 } });

    const tested = await t.call('POST', `/api/alerts/${id}/test`);
    expect(tested.status).toBe(200);
    conforms(AlertTestResult, tested.body, 'test result');

    runBehaviour.fail = true;
    await (await t.hub.runner.start(p.body.pipeline.id, 'manual')).done;
    await t.hub.alerts.evaluate();
    await t.hub.alerts.settled();

    const rules = await t.call<{ rules: Array<{ state: { status: string }; channels: unknown }> }>(
      'GET',
      '/api/alerts',
    );
    expect(rules.body.rules).toHaveLength(2);
    for (const r of rules.body.rules) conforms(AlertRule, r, 'rule');
    const firing = rules.body.rules.find((r) => r.state.status === 'firing');
    expect(firing?.channels).toMatchObject({
      webhook: { url: expect.stringContaining(MASK) },
      email: { password: MASK },
    });
    conforms(AlertRule, (await t.call<{ rule: unknown }>('GET', `/api/alerts/${id}`)).body.rule, 'one rule');
    const patched = await t.call<{ rule: unknown }>('PATCH', `/api/alerts/${id}`, { enabled: false });
    conforms(AlertRule, patched.body.rule, 'patched rule');

    const history = await t.call<{ history: unknown[] }>('GET', '/api/alerts/history');
    expect(history.body.history.length).toBeGreaterThanOrEqual(2);
    for (const h of history.body.history) conforms(AlertHistoryEntry, h, 'history entry');
    const budgets = await t.call<{ budgets: unknown[] }>('GET', '/api/alerts/budgets');
    for (const b of budgets.body.budgets) conforms(AlertBudget, b, 'budget');
  });
});
