import type { Issue } from '../types.js';
import type { AlertCondition, AlertRule, ConditionType, RuleBody } from './api.js';

// The alert rule form's state (strings, as inputs hold them), the body it sends, where the hub's issues
// go, and a condition in words.

export const CONDITIONS: Array<{ type: ConditionType; label: string; help: string }> = [
  {
    type: 'run_failed',
    label: 'A run failed',
    help: 'The last run of a pipeline failed. Clears when a run completes.',
  },
  {
    type: 'pipeline_stale',
    label: 'A pipeline is stale',
    help: 'No successful run for N times the pipeline’s schedule (an hourly pipeline with N = 2: two hours), plus a tenth of one for the run itself.',
  },
  {
    type: 'failed_events',
    label: 'Failed events',
    help: 'More than a number of events failed within a period. Clears once fewer failed in the period.',
  },
  {
    type: 'budget_used',
    label: 'A vendor budget is running out',
    help: 'A vendor call budget (see Limits) at or above a share of its limit, for some minutes.',
  },
  {
    type: 'waiting_age',
    label: 'Events wait too long',
    help: 'A destination’s oldest waiting event (received or retrying) is older than some minutes.',
  },
];

export interface RuleForm {
  name: string;
  enabled: boolean;
  type: ConditionType;
  pipelineId: string;
  destinationId: string;
  budget: string;
  periods: string;
  threshold: string;
  periodMinutes: string;
  percent: string;
  holdMinutes: string;
  waitMinutes: string;
  webhookUrl: string;
  emailOn: boolean;
  host: string;
  port: string;
  secure: boolean;
  user: string;
  /** Empty keeps a stored password. */
  password: string;
  passwordStored: boolean;
  from: string;
  /** Comma- or space-separated addresses. */
  to: string;
}

export function formFrom(rule?: AlertRule): RuleForm {
  const c = rule?.condition;
  const email = rule?.channels.email;
  return {
    name: rule?.name ?? '',
    enabled: rule?.enabled ?? true,
    type: c?.type ?? 'run_failed',
    pipelineId: (c && 'pipelineId' in c && c.pipelineId) || '',
    destinationId: (c && 'destinationId' in c && c.destinationId) || '',
    budget: (c?.type === 'budget_used' && c.budget) || '',
    periods: c?.type === 'pipeline_stale' ? String(c.periods) : '2',
    threshold: c?.type === 'failed_events' ? String(c.threshold) : '10',
    periodMinutes: c?.type === 'failed_events' ? String(c.periodMinutes) : '60',
    percent: c?.type === 'budget_used' ? String(c.percent) : '90',
    holdMinutes: c?.type === 'budget_used' ? String(c.minutes) : '5',
    waitMinutes: c?.type === 'waiting_age' ? String(c.minutes) : '30',
    webhookUrl: rule?.channels.webhook?.url ?? '',
    emailOn: Boolean(email),
    host: email?.host ?? '',
    port: email?.port === undefined ? '' : String(email.port),
    secure: email?.secure ?? false,
    user: email?.user ?? '',
    password: '',
    passwordStored: Boolean(email?.password),
    from: email?.from ?? '',
    to: email?.to.join(', ') ?? '',
  };
}

/** A number field: empty → null (the hub answers "a number of …"), anything else as typed. */
const num = (text: string): number | null => (text.trim() === '' ? null : Number(text.trim()));

export function bodyFrom(f: RuleForm): RuleBody {
  const scope = (value: string) => value || null;
  const condition: Record<string, unknown> =
    f.type === 'run_failed'
      ? { type: f.type, pipelineId: scope(f.pipelineId) }
      : f.type === 'pipeline_stale'
        ? { type: f.type, pipelineId: scope(f.pipelineId), periods: num(f.periods) }
        : f.type === 'failed_events'
          ? {
              type: f.type,
              destinationId: scope(f.destinationId),
              threshold: num(f.threshold),
              periodMinutes: num(f.periodMinutes),
            }
          : f.type === 'budget_used'
            ? { type: f.type, budget: scope(f.budget), percent: num(f.percent), minutes: num(f.holdMinutes) ?? 0 }
            : { type: f.type, destinationId: scope(f.destinationId), minutes: num(f.waitMinutes) };
  const to = f.to
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);
  return {
    name: f.name.trim(),
    enabled: f.enabled,
    condition,
    channels: {
      webhook: f.webhookUrl.trim() ? { url: f.webhookUrl.trim() } : null,
      email: f.emailOn
        ? {
            host: f.host.trim(),
            ...(f.port.trim() ? { port: num(f.port) } : {}),
            secure: f.secure,
            user: f.user.trim() || null,
            ...(f.password ? { password: f.password } : {}),
            from: f.from.trim(),
            to,
          }
        : null,
    },
  };
}

/** The form field an issue path belongs to (`condition.threshold` → threshold), or undefined. */
export function fieldOf(path: string, type: ConditionType): keyof RuleForm | undefined {
  const [head, second, third] = path.split('.');
  if (head === 'name') return 'name';
  if (head === 'condition') {
    if (second === 'minutes') return type === 'budget_used' ? 'holdMinutes' : 'waitMinutes';
    if (second === 'type') return 'type';
    const known: Array<keyof RuleForm> = [
      'pipelineId',
      'destinationId',
      'budget',
      'periods',
      'threshold',
      'periodMinutes',
      'percent',
    ];
    return known.find((k) => k === second);
  }
  if (head === 'channels' && second === 'webhook') return 'webhookUrl';
  if (head === 'channels' && second === 'email') {
    const known: Array<keyof RuleForm> = ['host', 'port', 'user', 'password', 'from', 'to'];
    return known.find((k) => k === third) ?? 'host';
  }
  return undefined;
}

/** Issues by field; those that fit none are returned apart for the form-level notice. */
export function placeIssues(issues: Issue[], type: ConditionType) {
  const byField: Partial<Record<keyof RuleForm, string>> = {};
  const rest: string[] = [];
  for (const issue of issues) {
    const field = fieldOf(issue.path, type);
    if (field && !byField[field]) byField[field] = issue.message;
    else if (!field) rest.push(`${issue.path}: ${issue.message}`);
  }
  return { byField, rest };
}

/** A condition in words, with names for the ids it names. */
export function describeCondition(c: AlertCondition, nameOf: (id: string) => string): string {
  const pipeline = 'pipelineId' in c && c.pipelineId ? `pipeline “${nameOf(c.pipelineId)}”` : 'any pipeline';
  const destination =
    'destinationId' in c && c.destinationId ? `destination “${nameOf(c.destinationId)}”` : 'any destination';
  switch (c.type) {
    case 'run_failed':
      return `A run of ${pipeline} failed`;
    case 'pipeline_stale':
      return `${pipeline[0]?.toUpperCase()}${pipeline.slice(1)} has not succeeded within ${c.periods} × its schedule`;
    case 'failed_events':
      return `More than ${c.threshold} failed events in ${c.periodMinutes} min (${c.destinationId ? destination : 'all destinations'})`;
    case 'budget_used':
      return `${c.budget ? `Budget ${nameOf(c.budget)}` : 'Any vendor budget'} at or above ${c.percent}%${c.minutes ? ` for ${c.minutes} min` : ''}`;
    case 'waiting_age':
      return `The oldest event waiting for ${destination} is older than ${c.minutes} min`;
  }
}
