import { z } from 'zod';

// A Gainsight where clause (the query API's {conditions, expression}) as the surveys pull accepts it:
// an object or its JSON text, checked at save time (aliases, operators, the expression's grammar).

export const gainsightFieldName = z
  .string()
  .trim()
  .min(1, 'required')
  .regex(/^[A-Za-z0-9_]+(__gr\.[A-Za-z0-9_]+)*$/, 'a Gainsight field name, e.g. GsCompanyId or Csm__gr.Email');

const OPERATORS = [
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
const conditionSchema = z.strictObject({
  name: gainsightFieldName,
  alias: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _'),
  operator: z.enum(OPERATORS),
  value: z.array(z.unknown()).default([]),
});
const whereObject = z
  .strictObject({
    conditions: z.array(conditionSchema).min(1, 'at least one condition'),
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
    const problem = expressionProblem(where.expression ?? '', aliases);
    if (problem) ctx.addIssue({ code: 'custom', path: ['expression'], message: problem });
  });
export type WhereClause = z.output<typeof whereObject>;

/** Why an expression like `(A AND B) OR C` is not one Gainsight accepts over these aliases, or undefined. */
export function expressionProblem(expression: string, aliases: Set<string>): string | undefined {
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

/** A where clause given as an object or as JSON text (what the wizard's editor sends). */
export const whereField = z
  .preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    if (value.trim() === '') return undefined;
    try {
      return JSON.parse(value);
    } catch (error) {
      ctx.issues.push({ code: 'custom', message: `not valid JSON: ${(error as Error).message}`, input: value });
      return z.NEVER;
    }
  }, whereObject.optional())
  .meta({
    title: 'Survey response filter (advanced)',
    description:
      'A Gainsight where clause as JSON, e.g. {"conditions":[{"name":"SurveyType","alias":"A","operator":"EQ","value":["NPS"]}]}. Overrides the lookback filter.',
  });
