/**
 * The small expression language Pendo's `filter` and `select` stages use: comparisons
 * (`== != < > <= >=`), `&& || !`, parentheses, dotted field paths and string/number/boolean/null
 * literals. Enough for the hub's paging filters (`accountId > "acct-000100"`); anything else is
 * a parse error, answered 400 like Pendo does for an expression it cannot read.
 */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'field'; path: string }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr };

type BinaryOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||';

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}

type Token =
  | { type: 'op'; value: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'ident'; value: string; at: number };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      tokens.push({ type: 'op', value: op, at: i });
      i += op.length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let value = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== ch; j += 1) {
        if (source[j] === '\\' && j + 1 < source.length) j += 1;
        value += source[j];
      }
      if (j >= source.length) throw new ExpressionError(`unterminated string starting at column ${i + 1}`);
      tokens.push({ type: 'string', value, at: i });
      i = j + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: 'number', value: Number(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const ident = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$]+)*/.exec(source.slice(i));
    if (ident) {
      tokens.push({ type: 'ident', value: ident[0], at: i });
      i += ident[0].length;
      continue;
    }
    throw new ExpressionError(`unexpected character '${ch}' at column ${i + 1}`);
  }
  return tokens;
}

const PRECEDENCE: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '>': 4, '<=': 4, '>=': 4 };

/** Parse an expression; throws ExpressionError with a column on anything it cannot read. */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];

  function primary(): Expr {
    const token = tokens[pos];
    if (!token) throw new ExpressionError('unexpected end of expression');
    pos += 1;
    if (token.type === 'string' || token.type === 'number') return { kind: 'literal', value: token.value };
    if (token.type === 'ident') {
      if (token.value === 'true' || token.value === 'false') return { kind: 'literal', value: token.value === 'true' };
      if (token.value === 'null') return { kind: 'literal', value: null };
      if (peek()?.value === '(')
        throw new ExpressionError(`unknown function ${token.value}() at column ${token.at + 1}`);
      return { kind: 'field', path: token.value };
    }
    if (token.value === '!') return { kind: 'not', operand: primary() };
    if (token.value === '(') {
      const inner = binary(0);
      if (tokens[pos]?.value !== ')') throw new ExpressionError(`missing ')' for '(' at column ${token.at + 1}`);
      pos += 1;
      return inner;
    }
    throw new ExpressionError(`unexpected '${token.value}' at column ${token.at + 1}`);
  }

  function binary(minPrecedence: number): Expr {
    let left = primary();
    for (;;) {
      const token = peek();
      const precedence = token?.type === 'op' ? PRECEDENCE[token.value] : undefined;
      if (!token || precedence === undefined || precedence <= minPrecedence) return left;
      pos += 1;
      left = { kind: 'binary', op: token.value as BinaryOp, left, right: binary(precedence) };
    }
  }

  const expr = binary(0);
  const rest = peek();
  if (rest) throw new ExpressionError(`unexpected '${rest.value}' at column ${rest.at + 1}`);
  return expr;
}

/** Read a dotted path (`metadata.custom.tier`) from a row; undefined when any step is missing. */
export function getPath(row: unknown, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function compare(op: BinaryOp, a: unknown, b: unknown): boolean {
  const left = a === undefined ? null : a;
  const right = b === undefined ? null : b;
  if (op === '==') return left === right;
  if (op === '!=') return left !== right;
  // Ordering only between two numbers or two strings; anything else is false, as in Pendo.
  const comparable =
    (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (!comparable) return false;
  const l = left as number | string;
  const r = right as number | string;
  if (op === '<') return l < r;
  if (op === '>') return l > r;
  if (op === '<=') return l <= r;
  return l >= r;
}

export function evaluate(expr: Expr, row: unknown): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'field':
      return getPath(row, expr.path);
    case 'not':
      return !evaluate(expr.operand, row);
    case 'binary':
      if (expr.op === '&&') return Boolean(evaluate(expr.left, row)) && Boolean(evaluate(expr.right, row));
      if (expr.op === '||') return Boolean(evaluate(expr.left, row)) || Boolean(evaluate(expr.right, row));
      return compare(expr.op, evaluate(expr.left, row), evaluate(expr.right, row));
  }
}

/**
 * The lower bound a filter puts on one field (`field > "x"` / `field >= "x"` at the top of a
 * conjunction), so a source sorted by that field can start there instead of scanning from the top.
 */
export function lowerBound(expr: Expr, field: string): { value: string; inclusive: boolean } | undefined {
  if (expr.kind !== 'binary') return undefined;
  if (expr.op === '&&') return lowerBound(expr.left, field) ?? lowerBound(expr.right, field);
  const { left, right } = expr;
  if (left.kind === 'field' && left.path === field && right.kind === 'literal' && typeof right.value === 'string') {
    if (expr.op === '>' || expr.op === '>=') return { value: right.value, inclusive: expr.op === '>=' };
  }
  if (right.kind === 'field' && right.path === field && left.kind === 'literal' && typeof left.value === 'string') {
    if (expr.op === '<' || expr.op === '<=') return { value: left.value, inclusive: expr.op === '<=' };
  }
  return undefined;
}
