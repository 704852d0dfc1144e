import { type ConnectorContext, ConnectorError, type SyncRecord, type WriteError } from '@synchub/core';
import type { GainsightClient, GainsightCondition, GainsightPicklistOption, GainsightQuery } from './client.js';
import { baseUrlOf, type GainsightSecrets, type GainsightSettings } from './settings.js';

/**
 * Gainsight picklists hold item GSIDs, not labels [H]: a query answers `Stage: "1P01…"`, a write must
 * name an active item's GSID (a label is refused with GSOBJ_1012), and only the describe with
 * `populatePickListOptions` says which GSID is which label. People think in labels, so the connector
 * translates at its edges: reads answer labels, writes and filters take labels (or GSIDs) and send GSIDs.
 *
 * The describe is cached per connection (tenant host + access key) and object, bounded, and refreshed
 * when a value is not found in it (an admin may have added an item) — at most once a minute per object,
 * so a batch of unknown labels costs one describe, not one per record.
 */

/** Item GSIDs: 36 upper-case alphanumerics. */
const GSID = /^[0-9A-Z]{36}$/;
export const looksLikeGsid = (value: unknown): value is string =>
  typeof value === 'string' && value.length === 36 && GSID.test(value);

const PICKLIST_TYPES = new Set(['PICKLIST', 'MULTISELECTDROPDOWNLIST']);
/** Fields that are never picklists: a record or filter touching only these needs no describe. */
const NEVER_PICKLISTS = new Set([
  'Gsid',
  'Name',
  'Email',
  'companies',
  'CreatedDate',
  'ModifiedDate',
  'LastModifiedDate',
]);
/** Filter operators whose values are compared to the stored item GSIDs. */
const ITEM_OPERATORS = new Set(['EQ', 'NE', 'IN', 'INCLUDES', 'EXCLUDES']);

/** Objects whose describe is kept (per connection × object), least recently used dropped first. */
export const PICKLIST_CACHE_SIZE = 500;
/** A value missing from the cached describe re-describes the object, at most this often. */
export const MISS_REFRESH_MS = 60_000;
/** A describe older than this is fetched again on next use, miss or not. */
export const PICKLIST_MAX_AGE_MS = 60 * 60_000;
/** Labels listed in an "unknown label" error before "… and N more". */
const KNOWN_SHOWN = 40;

export interface PicklistField {
  fieldName: string;
  multi: boolean;
  options: GainsightPicklistOption[];
  /** Item GSID → label, inactive items included (old rows still hold them). */
  labelOf: Map<string, string>;
  /** Active item GSIDs. */
  active: Set<string>;
  /** Label → item GSID, active items first; then the same keyed by trimmed lower-case label. */
  byLabel: Map<string, GainsightPicklistOption>;
  byLooseLabel: Map<string, GainsightPicklistOption>;
}

export interface ObjectPicklists {
  object: string;
  /** Picklist fields by field name; other fields are absent. */
  fields: Map<string, PicklistField>;
  fetchedAt: number;
}

interface Entry {
  value?: ObjectPicklists | undefined;
  pending?: Promise<ObjectPicklists> | undefined;
}

const cache = new Map<string, Entry>();

/** Forget every cached describe (tests; a changed access key gets its own entries anyway). */
export function clearPicklistCache(): void {
  cache.clear();
}

const loose = (label: string) => label.trim().toLowerCase();

function fieldOf(fieldName: string, multi: boolean, options: GainsightPicklistOption[]): PicklistField {
  const ordered = [...options.filter((o) => o.active !== false), ...options.filter((o) => o.active === false)];
  const byLabel = new Map<string, GainsightPicklistOption>();
  const byLooseLabel = new Map<string, GainsightPicklistOption>();
  for (const option of ordered) {
    if (!byLabel.has(option.label)) byLabel.set(option.label, option);
    if (!byLooseLabel.has(loose(option.label))) byLooseLabel.set(loose(option.label), option);
  }
  return {
    fieldName,
    multi,
    options,
    labelOf: new Map(options.map((o) => [o.value, o.label])),
    active: new Set(options.filter((o) => o.active !== false).map((o) => o.value)),
    byLabel,
    byLooseLabel,
  };
}

/** FNV-1a of the access key: entries are per key without keeping the key itself as a map key. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export type GsidResult = { ok: true; record: SyncRecord } | { ok: false; error: WriteError };

export interface Picklists {
  /** The object's picklist fields (one describe, then the cache); `refresh` asks again unless just asked. */
  of(object: string, options?: { refresh?: boolean }): Promise<ObjectPicklists>;
  /**
   * Reads: item GSIDs → labels, in place, in `fields` (every key when absent). Describes the object only
   * when some value could be an item GSID; a GSID it does not know is left as it came.
   */
  toLabels(object: string, records: SyncRecord[], fields?: string[]): Promise<void>;
  /**
   * Writes: labels → item GSIDs, one result per record in order (records are copied, not changed). An
   * unknown or inactive label fails its record with the field's known labels; a GSID of an active item
   * passes as it is. Describes the object only when some value is not already a GSID.
   */
  toGsids(object: string, records: SyncRecord[]): Promise<GsidResult[]>;
  /** Filters: labels in conditions on picklist fields → item GSIDs; an unknown label is a config error. */
  whereToGsids(object: string, where: GainsightQuery['where']): Promise<GainsightQuery['where']>;
}

export function createPicklists(
  args: { settings: Pick<GainsightSettings, 'domain' | 'sandbox'>; secrets: GainsightSecrets; ctx: ConnectorContext },
  client: Pick<GainsightClient, 'describeWithPicklists'>,
): Picklists {
  const { ctx } = args;
  const prefix = `${baseUrlOf(args.settings)}\u0000${fingerprint(args.secrets.accessKey)}\u0000`;
  const keyOf = (object: string) => prefix + object.toLowerCase();

  const remember = (key: string, entry: Entry) => {
    cache.delete(key);
    cache.set(key, entry);
    while (cache.size > PICKLIST_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  };

  async function fetch(object: string): Promise<ObjectPicklists> {
    const [described] = await client.describeWithPicklists([object]);
    const fields = new Map<string, PicklistField>();
    for (const field of described?.fields ?? []) {
      const type = field.dataType.toUpperCase();
      if (PICKLIST_TYPES.has(type)) {
        fields.set(field.fieldName, fieldOf(field.fieldName, type === 'MULTISELECTDROPDOWNLIST', field.options ?? []));
      }
    }
    return { object: described?.objectName ?? object, fields, fetchedAt: ctx.now() };
  }

  /** The cached describe when fresh enough to use without asking. */
  const peek = (object: string): ObjectPicklists | undefined => {
    const value = cache.get(keyOf(object))?.value;
    return value && ctx.now() - value.fetchedAt < PICKLIST_MAX_AGE_MS ? value : undefined;
  };

  async function of(object: string, options: { refresh?: boolean } = {}): Promise<ObjectPicklists> {
    const key = keyOf(object);
    const entry = cache.get(key);
    if (entry?.pending) return entry.pending;
    const value = entry?.value;
    const age = value ? ctx.now() - value.fetchedAt : Number.POSITIVE_INFINITY;
    if (value && age < PICKLIST_MAX_AGE_MS && (!options.refresh || age < MISS_REFRESH_MS)) {
      remember(key, { value });
      return value;
    }
    const pending = fetch(object);
    remember(key, { value, pending });
    try {
      const fetched = await pending;
      remember(key, { value: fetched });
      return fetched;
    } catch (error) {
      // A failed describe is not cached: the next use asks again.
      if (value) remember(key, { value });
      else cache.delete(key);
      throw error;
    }
  }

  /** Translate a record's values; misses are the fields whose value no item matched. */
  function translate(picklists: ObjectPicklists, record: SyncRecord) {
    const out: SyncRecord = { ...record };
    const misses: Array<{ field: PicklistField; value: unknown; inactive: boolean }> = [];
    for (const [name, value] of Object.entries(record)) {
      const field = picklists.fields.get(name);
      if (!field || value === null || value === undefined || value === '') continue;
      const one = (item: unknown): string | undefined => {
        if (looksLikeGsid(item) && field.active.has(item)) return item;
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') return undefined;
        const text = String(item);
        const option = field.byLabel.get(text) ?? field.byLooseLabel.get(loose(text));
        return option && option.active !== false ? option.value : undefined;
      };
      const items = Array.isArray(value)
        ? value
        : field.multi && typeof value === 'string'
          ? value.split(';')
          : [value];
      const gsids = items.map(one);
      const bad = items.filter((_, i) => gsids[i] === undefined);
      if (bad.length > 0) {
        const inactive = bad.every(
          (b) =>
            (typeof b === 'string' && field.labelOf.has(b)) ||
            field.byLooseLabel.get(loose(String(b)))?.active === false,
        );
        misses.push({ field, value: bad.length === 1 ? bad[0] : bad, inactive });
        continue;
      }
      out[name] = Array.isArray(value) ? gsids : field.multi ? gsids.join(';') : gsids[0];
    }
    return { record: out, misses };
  }

  const knownLabels = (field: PicklistField) => {
    const labels = field.options.filter((o) => o.active !== false).map((o) => o.label);
    const shown = labels.slice(0, KNOWN_SHOWN).join(', ');
    return labels.length > KNOWN_SHOWN ? `${shown}, … and ${labels.length - KNOWN_SHOWN} more` : shown;
  };

  const missMessage = (miss: { field: PicklistField; value: unknown; inactive: boolean }) => {
    const shown = JSON.stringify(miss.value);
    const known = knownLabels(miss.field);
    return miss.inactive
      ? `Picklist value not allowed for ${miss.field.fieldName}: ${shown} is an inactive item (active: ${known || 'none'})`
      : `Picklist value not allowed for ${miss.field.fieldName}: ${shown} is not one of its labels (${known || 'it has no active items'})`;
  };

  // Only text can be a label: numbers and booleans are sent as they are (the vendor judges them).
  const mayNeedItems = (value: unknown): boolean =>
    Array.isArray(value)
      ? value.some(mayNeedItems)
      : typeof value === 'string' && value.trim() !== '' && !looksLikeGsid(value);

  return {
    of,

    async toLabels(object, records, fields) {
      if (records.length === 0) return;
      const names = (fields ?? [...new Set(records.flatMap((r) => Object.keys(r)))]).filter(
        (name) => name !== 'Gsid' && !name.includes('__gr.'),
      );
      let picklists = peek(object);
      if (!picklists) {
        const holdsGsids = records.some((r) =>
          names.some((name) => {
            const value = r[name];
            return looksLikeGsid(value) || (Array.isArray(value) && value.some(looksLikeGsid));
          }),
        );
        if (!holdsGsids) return;
        picklists = await of(object);
      }
      const apply = (p: ObjectPicklists, dryRun: boolean): boolean => {
        let missed = false;
        for (const name of names) {
          const field = p.fields.get(name);
          if (!field) continue;
          const label = (item: unknown) => {
            if (typeof item !== 'string') return item;
            const found = field.labelOf.get(item);
            if (found === undefined && looksLikeGsid(item)) missed = true;
            return found ?? item;
          };
          for (const record of records) {
            const value = record[name];
            if (value === null || value === undefined) continue;
            const mapped = Array.isArray(value)
              ? value.map(label)
              : field.multi && typeof value === 'string' && value.includes(';')
                ? value.split(';').map(label).join(';')
                : label(value);
            if (!dryRun) record[name] = mapped;
          }
        }
        return missed;
      };
      // A GSID the describe does not hold may be a new item: ask again (rarely) before answering it as is.
      if (apply(picklists, true)) picklists = await of(object, { refresh: true });
      apply(picklists, false);
    },

    async toGsids(object, records) {
      const needsItems = records.some((r) =>
        Object.entries(r).some(([name, value]) => !NEVER_PICKLISTS.has(name) && mayNeedItems(value)),
      );
      if (!needsItems) return records.map((record) => ({ ok: true, record }));
      let picklists = await of(object);
      let translated = records.map((r) => translate(picklists, r));
      if (translated.some((t) => t.misses.length > 0)) {
        const again = await of(object, { refresh: true });
        if (again !== picklists) {
          picklists = again;
          translated = records.map((r) => translate(picklists, r));
        }
      }
      return translated.map(({ record, misses }): GsidResult => {
        if (misses.length === 0) return { ok: true, record };
        return {
          ok: false,
          error: {
            code: 'invalid_request',
            message: misses.map(missMessage).join('; '),
            body: {
              errors: misses.map((m) => ({
                fieldName: m.field.fieldName,
                invalidValue: m.value,
                knownLabels: m.field.options.filter((o) => o.active !== false).map((o) => o.label),
              })),
            },
          },
        };
      });
    },

    async whereToGsids(object, where) {
      const conditions = where?.conditions ?? [];
      const relevant = (c: GainsightCondition) =>
        ITEM_OPERATORS.has(c.operator) && !c.name.includes('__gr.') && !NEVER_PICKLISTS.has(c.name);
      if (!where || !conditions.some((c) => relevant(c) && c.value.some(mayNeedItems))) return where;
      const resolve = (p: ObjectPicklists) => {
        const unknown: string[] = [];
        const mapped = conditions.map((c): GainsightCondition => {
          const field = relevant(c) ? p.fields.get(c.name) : undefined;
          if (!field) return c;
          const value = c.value.map((v) => {
            if (v === null || v === undefined || looksLikeGsid(v)) return v;
            // Filters may name retired items: rows still hold them.
            const option = field.byLabel.get(String(v)) ?? field.byLooseLabel.get(loose(String(v)));
            if (!option)
              unknown.push(`${c.name}: ${JSON.stringify(v)} is not one of its labels (${knownLabels(field)})`);
            return option?.value ?? v;
          });
          return { ...c, value };
        });
        return { mapped, unknown };
      };
      let result = resolve(await of(object));
      if (result.unknown.length > 0) result = resolve(await of(object, { refresh: true }));
      if (result.unknown.length > 0) {
        throw new ConnectorError('config', `Gainsight ${object} filter: ${result.unknown.join('; ')}`);
      }
      return { ...where, conditions: result.mapped };
    },
  };
}
