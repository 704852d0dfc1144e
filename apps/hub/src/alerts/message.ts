import type { AlertCondition, NotificationKind } from './schema.js';

/** One alert notification, as stored in the history (so a pending one can be sent again after a restart). */
export interface Notification {
  kind: NotificationKind;
  rule: { id: string; name: string };
  condition: AlertCondition;
  /** The pipeline, destination or budget the condition is about (null for a test). */
  subject: { id: string; label: string } | null;
  /** One line saying what is wrong (or, resolved, what was). */
  summary: string;
  details: Record<string, unknown>;
  at: number;
  /** When the condition started firing (resolved notifications say how long it lasted). */
  firingSince?: number | undefined;
}

const HEADLINE: Record<NotificationKind, string> = { firing: 'FIRING', resolved: 'RESOLVED', test: 'TEST' };

/** "3 h 5 min", "42 s": how long something lasted. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** The first line every channel shows. */
export function headline(n: Notification): string {
  const about = n.subject ? ` · ${n.subject.label}` : '';
  return `[${HEADLINE[n.kind]}] ${n.rule.name}${about}`;
}

/** Detail lines (`key: value`), plain values only, for the e-mail body and Slack's context block. */
function detailLines(n: Notification): string[] {
  const lines = Object.entries(n.details)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  if (n.kind === 'resolved' && n.firingSince !== undefined) {
    lines.unshift(`firing for: ${duration(n.at - n.firingSince)}`);
  }
  return lines;
}

/** Slack's mrkdwn treats &, < and > as markup. */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Slack-compatible incoming-webhook body (`text` and `blocks`; Slack ignores the other fields) plus the same
 * alert as structured fields for other receivers.
 */
export function webhookBody(n: Notification) {
  const text = `${headline(n)}: ${n.summary}`;
  const lines = detailLines(n);
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${escapeSlack(headline(n))}*\n${escapeSlack(n.summary)}` },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: escapeSlack([`Synchub · ${new Date(n.at).toISOString()}`, ...lines].join(' · ').slice(0, 2900)),
          },
        ],
      },
    ],
    rule: n.rule,
    condition: n.condition,
    state: n.kind,
    subject: n.subject,
    summary: n.summary,
    details: n.details,
    at: new Date(n.at).toISOString(),
    ...(n.firingSince !== undefined ? { firingSince: new Date(n.firingSince).toISOString() } : {}),
  };
}

export function emailMessage(n: Notification): { subject: string; text: string } {
  const lines = [
    n.summary,
    '',
    ...detailLines(n),
    `rule: ${n.rule.name} (${n.condition.type})`,
    `at: ${new Date(n.at).toISOString()}`,
    '',
    n.kind === 'firing'
      ? 'You get one message while this holds, and another when it clears.'
      : n.kind === 'test'
        ? 'A test alert sent from the Synchub dashboard or API: this channel works.'
        : 'The condition has cleared.',
  ];
  return { subject: `[Synchub] ${headline(n)}`.slice(0, 250), text: lines.join('\n') };
}
