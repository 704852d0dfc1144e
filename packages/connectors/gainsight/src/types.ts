import { z } from 'zod';

/**
 * Gainsight's request and answer shapes, written once: the connector's client and streams, flows that
 * build Gainsight queries (the Gainsight pulls) and the simulator (type-only) import them from here
 * (`@synchub/connector-gainsight/types`).
 */

// ----- describe (metadata API) -----

export interface GainsightObjectInfo {
  objectName: string;
  label?: string | undefined;
  /** STANDARD, CUSTOM or SYSTEM. */
  objectType?: string | undefined;
  keyPrefix?: string | undefined;
  readable?: boolean | undefined;
  createable?: boolean | undefined;
}

/** One picklist item as the describe with `populatePickListOptions` lists it: `value` is the item's GSID. */
export interface GainsightPicklistOption {
  value: string;
  label: string;
  active?: boolean | undefined;
  defaultValue?: boolean | undefined;
  displayOrder?: number | undefined;
}

export interface GainsightFieldInfo {
  fieldName: string;
  label?: string | undefined;
  dataType: string;
  meta?: { createable?: boolean; updateable?: boolean; required?: boolean } | undefined;
  /** Picklist items (PICKLIST / MULTISELECTDROPDOWNLIST), present when asked for. */
  options?: GainsightPicklistOption[] | undefined;
}

export interface GainsightObjectDescription extends GainsightObjectInfo {
  fields: GainsightFieldInfo[];
}

// ----- query API: POST /v1/data/objects/query/{object} -----

export const GAINSIGHT_OPERATORS = [
  'EQ',
  'NE',
  'LT',
  'GT',
  'LTE',
  'GTE',
  'BTW',
  'IN',
  'CONTAINS',
  'STARTS_WITH',
  'ENDS_WITH',
  'IS_NULL',
  'IS_NOT_NULL',
  'INCLUDES',
  'EXCLUDES',
] as const;
export type GainsightOperator = (typeof GAINSIGHT_OPERATORS)[number];

export interface GainsightCondition {
  name: string;
  alias: string;
  /** Always an array: two items for BTW, many for IN, none for IS_NULL/IS_NOT_NULL. */
  value: unknown[];
  operator: GainsightOperator;
}

/** A where clause: conditions, and how their aliases combine (`(A AND B) OR C`; default all ANDed). */
export interface GainsightWhere {
  conditions: GainsightCondition[];
  expression?: string | undefined;
}

export interface GainsightQuery {
  select: string[];
  where?: GainsightWhere | undefined;
  /** Ordered map: key order is sort priority. */
  orderBy?: Record<string, 'asc' | 'desc'> | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** The query API's answer (an envelope like every data API answer). */
export interface GainsightQueryAnswer {
  result: boolean;
  errorCode?: string | null | undefined;
  errorDesc?: string | null | undefined;
  data?: { records: Record<string, unknown>[] } | undefined;
}

// ----- write APIs -----

export interface GainsightWriteData {
  count: number;
  /** Gsids in request order. */
  records: { Gsid: string }[];
}

export interface GainsightEventHeaders {
  eventName: string;
  eventVersion: string;
  topicName?: string | undefined;
  contractId?: string | undefined;
  /** Defaults to the connection's tenant id. */
  tenantId?: string | undefined;
}

// ----- where clause, checked (settings and stream options) -----

export const gainsightFieldName = z
  .string()
  .trim()
  .min(1, 'required')
  .regex(/^[A-Za-z0-9_]+(__gr\.[A-Za-z0-9_]+)*$/, 'a Gainsight field name, e.g. GsCompanyId or Csm__gr.Email');

export const gainsightConditionSchema = z.strictObject({
  name: gainsightFieldName,
  alias: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _'),
  operator: z.enum(GAINSIGHT_OPERATORS),
  value: z.array(z.unknown()).default([]),
});

/**
 * A where clause as Gainsight accepts it: unique aliases, a value count that suits each operator, and
 * an expression over those aliases (what the vendor would refuse with a 400, refused before asking).
 */
export const gainsightWhereSchema = z
  .strictObject({
    conditions: z.array(gainsightConditionSchema).min(1, 'at least one condition'),
    expression: z.string().trim().optional(),
  })
  .superRefine((where, ctx) => {
    const aliases = new Set<string>();
    where.conditions.forEach((c, i) => {
      if (aliases.has(c.alias))
        ctx.addIssue({ code: 'custom', path: ['conditions', i, 'alias'], message: 'duplicate alias' });
      aliases.add(c.alias);
      const n = c.value.length;
      if (c.operator === 'BTW' && n !== 2)
        ctx.addIssue({ code: 'custom', path: ['conditions', i, 'value'], message: 'BTW takes two values' });
      else if (!['IS_NULL', 'IS_NOT_NULL', 'BTW'].includes(c.operator) && n === 0)
        ctx.addIssue({ code: 'custom', path: ['conditions', i, 'value'], message: `${c.operator} needs a value` });
    });
    const problem = whereExpressionProblem(where.expression ?? '', aliases);
    if (problem) ctx.addIssue({ code: 'custom', path: ['expression'], message: problem });
  }) satisfies z.ZodType<GainsightWhere>;

/** Why an expression like `(A AND B) OR C` is not one Gainsight accepts over these aliases, or undefined. */
export function whereExpressionProblem(expression: string, aliases: Set<string>): string | undefined {
  if (expression.trim() === '') return undefined;
  const tokens = expression.match(/\(|\)|[A-Za-z0-9_]+|\S/g) ?? [];
  let depth = 0;
  let expectOperand = true;
  for (const token of tokens) {
    const word = token.toUpperCase();
    if (token === '(') {
      if (!expectOperand) return 'missing AND/OR before (';
      depth++;
    } else if (token === ')') {
      if (expectOperand || --depth < 0) return 'unbalanced )';
    } else if (word === 'AND' || word === 'OR') {
      if (expectOperand) return `unexpected ${word}`;
      expectOperand = true;
    } else if (/^[A-Za-z0-9_]+$/.test(token)) {
      if (!expectOperand) return `missing AND/OR before ${token}`;
      if (!aliases.has(token)) return `unknown alias ${token}`;
      expectOperand = false;
    } else return `unexpected ${token}`;
  }
  if (depth !== 0) return 'missing )';
  return expectOperand ? 'unexpected end' : undefined;
}
