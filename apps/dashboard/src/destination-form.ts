import type { DestinationInput, GainsightDestination, Issue } from './types.js';

// The Gainsight destination form's state, what it sends, and where the hub's 400 issues land. Pure, so
// it is unit-tested; the page only renders it.

export type MapName = 'personFieldMap' | 'companyFieldMap';
export type ListName = MapName | 'eventVersions';

/** Every editable row has a stable key, so removing row 2 does not move row 3's inputs or its error. */
export interface TraitRow {
  key: number;
  trait: string;
  field: string;
}

export interface VersionRow {
  key: number;
  event: string;
  eventName: string;
  version: string;
}

export interface DestinationForm {
  name: string;
  connectionId: string;
  enabled: boolean;
  personFieldMap: TraitRow[];
  companyFieldMap: TraitRow[];
  topicName: string;
  contractId: string;
  eventVersions: VersionRow[];
  flushWindowMs: string;
  maxAttempts: string;
}

export const DEFAULT_FLUSH_WINDOW_MS = 2000;
export const DEFAULT_MAX_ATTEMPTS = 20;

let nextKey = 1;
export const newTraitRow = (trait = '', field = ''): TraitRow => ({ key: nextKey++, trait, field });
export const newVersionRow = (event = '', eventName = '', version = ''): VersionRow => ({
  key: nextKey++,
  event,
  eventName,
  version,
});

export function initialForm(existing?: GainsightDestination, connectionId = ''): DestinationForm {
  const s = existing?.settings;
  return {
    name: existing?.name ?? '',
    connectionId: existing?.connectionId ?? connectionId,
    enabled: existing?.enabled ?? true,
    personFieldMap: (s?.personFieldMap ?? []).map((r) => newTraitRow(r.trait, r.field)),
    companyFieldMap: (s?.companyFieldMap ?? []).map((r) => newTraitRow(r.trait, r.field)),
    topicName: s?.topicName ?? '',
    contractId: s?.contractId ?? '',
    eventVersions: (s?.eventVersions ?? []).map((r) => newVersionRow(r.event, r.eventName ?? '', r.version)),
    flushWindowMs: String(s?.flushWindowMs ?? DEFAULT_FLUSH_WINDOW_MS),
    maxAttempts: String(s?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
  };
}

/** The error key of one cell, e.g. `personFieldMap.7.field` (7 is the row's key, not its position). */
export const cellKey = (list: ListName, rowKey: number, column: string) => `${list}.${rowKey}.${column}`;

export interface BuiltInput {
  input: DestinationInput;
  /** For each list, the row key of each row sent, by position: issue `…personFieldMap.0…` is `sent.personFieldMap[0]`. */
  sent: Record<ListName, number[]>;
  /** Problems found before sending (numbers that are not numbers). */
  errors: Record<string, string>;
}

const blank = (...values: string[]) => values.every((v) => v.trim() === '');

function whole(text: string, key: string, errors: Record<string, string>): number | undefined {
  if (text.trim() === '') return undefined; // the hub's default applies
  const n = Number(text);
  if (!Number.isInteger(n)) errors[key] = 'Enter a whole number.';
  return n;
}

/**
 * Form → request body. Fully blank rows are left out (an untouched "add row" is not a mistake); anything
 * else is sent as typed so the hub's validation is the one source of truth for what is allowed.
 */
export function buildInput(form: DestinationForm): BuiltInput {
  const errors: Record<string, string> = {};
  const sent: Record<ListName, number[]> = { personFieldMap: [], companyFieldMap: [], eventVersions: [] };
  const traitRows = (list: MapName) =>
    form[list]
      .filter((r) => !blank(r.trait, r.field))
      .map((r) => {
        sent[list].push(r.key);
        return { trait: r.trait.trim(), field: r.field.trim() };
      });
  const eventVersions = form.eventVersions
    .filter((r) => !blank(r.event, r.eventName, r.version))
    .map((r) => {
      sent.eventVersions.push(r.key);
      const eventName = r.eventName.trim();
      return { event: r.event.trim(), ...(eventName ? { eventName } : {}), version: r.version.trim() };
    });
  const settings: Record<string, unknown> = {
    personFieldMap: traitRows('personFieldMap'),
    companyFieldMap: traitRows('companyFieldMap'),
    eventVersions,
  };
  if (form.topicName.trim()) settings['topicName'] = form.topicName.trim();
  if (form.contractId.trim()) settings['contractId'] = form.contractId.trim();
  const flush = whole(form.flushWindowMs, 'flushWindowMs', errors);
  if (flush !== undefined) settings['flushWindowMs'] = flush;
  const attempts = whole(form.maxAttempts, 'maxAttempts', errors);
  if (attempts !== undefined) settings['maxAttempts'] = attempts;
  return {
    input: {
      name: form.name.trim(),
      kind: 'gainsight',
      connectionId: form.connectionId,
      settings,
      enabled: form.enabled,
    },
    sent,
    errors,
  };
}

const LISTS: ListName[] = ['personFieldMap', 'companyFieldMap', 'eventVersions'];
const SCALARS = ['topicName', 'contractId', 'flushWindowMs', 'maxAttempts'];

/**
 * The hub's issues (`settings.personFieldMap.0.field`, `name`, `connectionId`…) → error keys of the form's
 * inputs. Issues that fit no input are returned in `other`, to be listed at the top.
 */
export function routeDestinationIssues(
  issues: Issue[],
  sent: Record<ListName, number[]>,
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  const put = (key: string, message: string) => {
    byField[key] = byField[key] ? `${byField[key]}; ${message}` : message;
  };
  for (const issue of issues) {
    const parts = issue.path.split('.');
    const [head, list, index, column] = parts;
    if (parts.length === 1 && (head === 'name' || head === 'connectionId')) {
      put(head, issue.message);
      continue;
    }
    if (head === 'settings' && list && LISTS.includes(list as ListName)) {
      const rowKey = index === undefined ? undefined : sent[list as ListName][Number(index)];
      if (index === undefined) put(list, issue.message);
      else if (rowKey !== undefined && column) put(cellKey(list as ListName, rowKey, column), issue.message);
      else if (rowKey !== undefined) put(cellKey(list as ListName, rowKey, 'row'), issue.message);
      else other.push(`${issue.path}: ${issue.message}`);
      continue;
    }
    if (head === 'settings' && list && SCALARS.includes(list) && parts.length === 2) {
      put(list, issue.message);
      continue;
    }
    other.push(`${issue.path}: ${issue.message}`);
  }
  return { byField, other };
}
