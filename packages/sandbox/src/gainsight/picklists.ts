import { seededRandom } from '../common.js';
import { findField, findObject } from './catalog.js';
import { createGsid } from './data.js';
import type { GainsightFieldDef, GainsightObjectDef } from './types.js';

/**
 * Picklist items as Gainsight holds them [H]: every item has a GSID, query answers carry the GSID
 * (`Status: "1P01OI3…"`), writes must name an active item's GSID (anything else is GSOBJ_1012), and the
 * describe with `populatePickListOptions` lists `{active, defaultValue, label, value: <gsid>, displayOrder}`.
 *
 * Rows keep labels internally (the seeded data and tests read naturally); only the HTTP surface speaks
 * GSIDs. An item's GSID is derived from its category (default: the field name) and label, so fields of
 * one category (Industry and IndustryNew, SurveyType on two objects) share items as in Gainsight, a GSID
 * is the same in every simulator, and adding an item changes no other item's GSID.
 */
export interface PicklistOption {
  active: boolean;
  defaultValue: boolean;
  label: string;
  value: string;
  displayOrder: number;
}

/** The key prefix of picklist item GSIDs in the vendor's doc sample (`1P01OI3OHC9S79J7VN8GQLUQDH0Y52CYFMXW`). */
const ITEM_PREFIX = '1P01';

interface FieldPicklist {
  options: PicklistOption[];
  gsidOf: Map<string, string>;
  labelOf: Map<string, string>;
  activeGsids: Set<string>;
}

const cache = new WeakMap<GainsightFieldDef, FieldPicklist>();

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export const isPicklist = (field: GainsightFieldDef): boolean =>
  (field.dataType === 'PICKLIST' || field.dataType === 'MULTISELECTDROPDOWNLIST') && field.picklist !== undefined;

function picklistOf(field: GainsightFieldDef): FieldPicklist {
  let found = cache.get(field);
  if (found) return found;
  const labels = field.picklist ?? [];
  const inactive = new Set(field.picklistInactive ?? []);
  // The category and label key the GSID: stable when items are added, shared by fields of one category.
  const category = field.picklistCategory ?? field.fieldName;
  const options = labels.map(
    (label, i): PicklistOption => ({
      active: !inactive.has(label),
      defaultValue: false,
      label,
      value: createGsid(seededRandom(hash(`${category}\u0000${label}`)), ITEM_PREFIX),
      displayOrder: i + 1,
    }),
  );
  found = {
    options,
    gsidOf: new Map(options.map((o) => [o.label, o.value])),
    labelOf: new Map(options.map((o) => [o.value, o.label])),
    activeGsids: new Set(options.filter((o) => o.active).map((o) => o.value)),
  };
  cache.set(field, found);
  return found;
}

/** A picklist field's items, in display order ([] for other fields). */
export function picklistOptions(field: GainsightFieldDef): PicklistOption[] {
  return isPicklist(field) ? picklistOf(field).options : [];
}

/** Stored label(s) → the GSID(s) an answer carries; unknown labels are answered as stored. */
export function toGsids(field: GainsightFieldDef, stored: unknown): unknown {
  if (stored === null || stored === undefined || !isPicklist(field)) return stored;
  const { gsidOf } = picklistOf(field);
  const one = (v: unknown) => (typeof v === 'string' ? (gsidOf.get(v) ?? v) : v);
  return Array.isArray(stored) ? stored.map(one) : one(stored);
}

/** The label of an active item's GSID, or undefined (a label, an unknown or an inactive item's GSID). */
export function activeLabelOf(field: GainsightFieldDef, gsid: unknown): string | undefined {
  if (typeof gsid !== 'string' || !isPicklist(field)) return undefined;
  const picklist = picklistOf(field);
  return picklist.activeGsids.has(gsid) ? picklist.labelOf.get(gsid) : undefined;
}

function requirePicklistField(objects: GainsightObjectDef[], objectName: string, fieldName: string) {
  const object = findObject(objects, objectName);
  const field = object ? findField(object, fieldName) : undefined;
  if (!field || !isPicklist(field)) throw new Error(`No picklist field ${objectName}.${fieldName} in the catalog`);
  return field;
}

/** For tests and seeds: the GSID of a picklist item by its label (throws when there is none). */
export function picklistGsid(objects: GainsightObjectDef[], objectName: string, fieldName: string, label: string) {
  const gsid = picklistOf(requirePicklistField(objects, objectName, fieldName)).gsidOf.get(label);
  if (!gsid) throw new Error(`No item "${label}" in the picklist ${objectName}.${fieldName}`);
  return gsid;
}

/** For tests: the label of a picklist item by its GSID (undefined when there is none). */
export function picklistLabel(objects: GainsightObjectDef[], objectName: string, fieldName: string, gsid: string) {
  return picklistOf(requirePicklistField(objects, objectName, fieldName)).labelOf.get(gsid);
}
