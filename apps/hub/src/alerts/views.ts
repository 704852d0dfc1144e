import type { Selectable } from 'kysely';
import { MASK } from '../connections.js';
import type {
  AlertCondition,
  AlertHistoryTable,
  AlertStatesTable,
  DeliveryOutcome,
  HistoryStatus,
  NotificationKind,
} from './schema.js';

// How rule states, history rows and conditions read in API answers and test alerts.
/** A rule's state as the API shows it. */
export interface RuleState {
  status: 'ok' | 'pending' | 'firing';
  /** When the earliest of its firing subjects started firing (null unless firing). */
  since: number | null;
  firing: Array<{ subject: string; label: string; since: number; summary: string }>;
  /** Subjects over the line but not yet for long enough (a budget's "for Y minutes"). */
  pending: Array<{ subject: string; label: string; since: number; summary: string }>;
}

/**
 * A webhook URL as answers show it: scheme and host, the path (where Slack, Teams and most receivers put
 * their token) and query masked. The store recognises this form sent back as "keep the saved URL".
 */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}/${MASK}`;
  } catch {
    return MASK;
  }
}

export interface HistoryEntry {
  id: number;
  ruleId: string;
  ruleName: string;
  kind: NotificationKind;
  subject: string | null;
  label: string | null;
  summary: string;
  status: HistoryStatus;
  deliveries: DeliveryOutcome[];
  at: number;
}

export const historyEntry = (r: Selectable<AlertHistoryTable>): HistoryEntry => ({
  id: r.id,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  kind: r.kind,
  subject: r.subject,
  label: r.label,
  summary: r.summary,
  status: r.status,
  deliveries: JSON.parse(r.deliveries_json),
  at: r.at,
});

export const statusOf = (outcomes: DeliveryOutcome[]): HistoryStatus =>
  outcomes.length === 0
    ? 'none'
    : outcomes.every((o) => o.ok)
      ? 'sent'
      : outcomes.some((o) => o.ok)
        ? 'partial'
        : 'failed';

export function stateOf(states: AlertStatesTable[]): RuleState {
  const item = (s: AlertStatesTable, since: number) => ({
    subject: s.subject,
    label: s.label,
    since,
    summary: s.summary,
  });
  const firing = states.filter((s) => s.firing_since !== null).map((s) => item(s, s.firing_since as number));
  const pending = states.filter((s) => s.firing_since === null).map((s) => item(s, s.pending_since));
  return {
    status: firing.length > 0 ? 'firing' : pending.length > 0 ? 'pending' : 'ok',
    since: firing.length > 0 ? Math.min(...firing.map((f) => f.since)) : null,
    firing,
    pending,
  };
}

/** A condition in words, for test alerts. */
export function conditionText(c: AlertCondition): string {
  const pipelines = 'pipelineId' in c && c.pipelineId ? `pipeline ${c.pipelineId}` : 'any pipeline';
  const destinations = 'destinationId' in c && c.destinationId ? `destination ${c.destinationId}` : 'any destination';
  switch (c.type) {
    case 'run_failed':
      return `a run of ${pipelines} failed`;
    case 'pipeline_stale':
      return `${pipelines} has not succeeded within ${c.periods} × its schedule`;
    case 'failed_events':
      return `more than ${c.threshold} failed events in ${c.periodMinutes} min (${c.destinationId ? destinations : 'all destinations'})`;
    case 'budget_used':
      return `${c.budget ? `budget ${c.budget}` : 'any budget'} at or above ${c.percent}%${c.minutes ? ` for ${c.minutes} min` : ''}`;
    case 'waiting_age':
      return `the oldest event waiting for ${destinations} is older than ${c.minutes} min`;
  }
}
