import { describe, expect, it } from 'vitest';
import type { AlertRule } from './api.js';
import { bodyFrom, describeCondition, formFrom, placeIssues } from './rule-form.js';

const rule: AlertRule = {
  id: 'r1',
  name: 'Budget',
  enabled: true,
  condition: { type: 'budget_used', budget: 'acme:x:api', percent: 80, minutes: 5 },
  channels: {
    webhook: null,
    email: {
      host: 'smtp.example.com',
      secure: false,
      user: 'u',
      from: 'a@example.com',
      to: ['b@example.com', 'c@example.com'],
      password: '••••••',
    },
  },
  state: { status: 'ok', since: null, firing: [], pending: [] },
  createdAt: '',
  updatedAt: '',
};

describe('the alert rule form', () => {
  it('round-trips a rule, leaving a stored password out (the hub keeps it)', () => {
    const form = formFrom(rule);
    expect(form).toMatchObject({
      type: 'budget_used',
      percent: '80',
      holdMinutes: '5',
      passwordStored: true,
      password: '',
    });
    expect(bodyFrom(form)).toEqual({
      name: 'Budget',
      enabled: true,
      condition: { type: 'budget_used', budget: 'acme:x:api', percent: 80, minutes: 5 },
      channels: {
        webhook: null,
        email: {
          host: 'smtp.example.com',
          secure: false,
          user: 'u',
          from: 'a@example.com',
          to: ['b@example.com', 'c@example.com'],
        },
      },
    });
    expect(bodyFrom({ ...form, password: 'new-one' }).channels.email).toMatchObject({ password: 'new-one' });
  });

  it('sends only the parameters of the chosen condition; empty numbers as null for the hub to name', () => {
    const form = { ...formFrom(), name: ' Stale ', type: 'pipeline_stale' as const, periods: '' };
    expect(bodyFrom(form)).toMatchObject({
      name: 'Stale',
      condition: { type: 'pipeline_stale', pipelineId: null, periods: null },
    });
    expect(bodyFrom({ ...formFrom(), webhookUrl: ' https://h.example/x ' }).channels.webhook).toEqual({
      url: 'https://h.example/x',
    });
  });

  it('puts the hub’s issues on their fields', () => {
    const { byField, rest } = placeIssues(
      [
        { path: 'condition.minutes', message: 'at least 1' },
        { path: 'channels.email.to.1', message: 'must be an e-mail address' },
        { path: 'channels.webhook.url', message: 'must be an https:// URL' },
        { path: '(body)', message: 'odd' },
      ],
      'waiting_age',
    );
    expect(byField).toEqual({
      waitMinutes: 'at least 1',
      to: 'must be an e-mail address',
      webhookUrl: 'must be an https:// URL',
    });
    expect(rest).toEqual(['(body): odd']);
  });

  it('says a condition in words', () => {
    const name = (id: string) => ({ p1: 'Nightly', d1: 'CRM' })[id] ?? id;
    expect(describeCondition({ type: 'run_failed', pipelineId: 'p1' }, name)).toBe(
      'A run of pipeline “Nightly” failed',
    );
    expect(describeCondition({ type: 'pipeline_stale', pipelineId: null, periods: 2 }, name)).toBe(
      'Any pipeline has not succeeded within 2 × its schedule',
    );
    expect(
      describeCondition({ type: 'failed_events', destinationId: null, threshold: 10, periodMinutes: 60 }, name),
    ).toBe('More than 10 failed events in 60 min (all destinations)');
    expect(describeCondition({ type: 'waiting_age', destinationId: 'd1', minutes: 30 }, name)).toBe(
      'The oldest event waiting for destination “CRM” is older than 30 min',
    );
  });
});
