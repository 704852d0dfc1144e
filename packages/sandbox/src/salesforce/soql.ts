/**
 * A small SOQL parser: enough of the language for a sync hub's queries, strict enough to reject what
 * Salesforce rejects (with its error codes and its caret-style messages). soql-eval.ts checks and runs it.
 *
 *   SELECT f1, f2 | COUNT() FROM Object
 *     [WHERE cond {AND|OR} cond …]   cond = field op literal | field [NOT] IN (…) | NOT cond | ( … )
 *     [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n]
 *
 * Like Salesforce, mixing AND and OR at one level without parentheses is MALFORMED_QUERY, string
 * comparisons ignore case, and datetime literals are unquoted and must carry a zone (Z or ±hh:mm).
 */

export type SoqlErrorCode = 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE';

export class SoqlError extends Error {
  override readonly name = 'SoqlError';
  constructor(
    readonly errorCode: SoqlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: number };

export type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'LIKE' | 'IN' | 'NOT IN';

export interface FieldRef {
  name: string;
  pos: number;
}

export type Expr =
  | { type: 'cond'; field: FieldRef; op: Operator; value: Literal | Literal[]; pos: number }
  | { type: 'and'; items: Expr[] }
  | { type: 'or'; items: Expr[] }
  | { type: 'not'; item: Expr };

export interface OrderItem {
  field: FieldRef;
  desc: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  text: string;
  /** `SELECT COUNT() …`: only totalSize is answered. */
  count: boolean;
  fields: FieldRef[];
  object: FieldRef;
  where: Expr | undefined;
  orderBy: OrderItem[];
  limit: number | undefined;
  offset: number | undefined;
}

type Token =
  | { t: 'word'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: number; raw: string; pos: number }
  | { t: 'date'; v: string; pos: number }
  | { t: 'datetime'; v: number; pos: number }
  | { t: 'punct'; v: string; pos: number }
  | { t: 'eof'; pos: number };

/** Salesforce's own error text: the offending line, a caret under the column, then the reason. */
export function soqlError(text: string, pos: number, code: SoqlErrorCode, detail: string): SoqlError {
  const before = text.slice(0, pos);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', pos) === -1 ? text.length : text.indexOf('\n', pos);
  const col = pos - lineStart + 1;
  const line = text.slice(lineStart, lineEnd);
  return new SoqlError(code, `\n${line}\n${' '.repeat(col - 1)}^\nERROR at Row:${row}:Column:${col}\n${detail}`);
}

const DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})?/;
const DATE = /^\d{4}-\d{2}-\d{2}/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const unexpected = (pos: number, what: string) =>
    soqlError(text, pos, 'MALFORMED_QUERY', `unexpected token: ${what}`);
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const dt = DATETIME.exec(rest);
    if (dt) {
      // A datetime without a zone is what an unencoded '+' turns into ("…:00 0000"): Salesforce rejects it.
      if (!dt[4]) throw unexpected(i, `'${dt[0]}'`);
      const zone = dt[4] === 'Z' ? 'Z' : `${dt[4].slice(0, 3)}:${dt[4].slice(-2)}`;
      const ms = Date.parse(`${dt[1]}T${dt[2]}${dt[3] ?? ''}${zone}`);
      if (Number.isNaN(ms)) throw unexpected(i, `'${dt[0]}'`);
      tokens.push({ t: 'datetime', v: ms, pos: i });
      i += dt[0].length;
      continue;
    }
    const d = DATE.exec(rest);
    if (d && !/^[\w.]/.test(rest.slice(d[0].length))) {
      if (Number.isNaN(Date.parse(d[0]))) throw unexpected(i, `'${d[0]}'`);
      tokens.push({ t: 'date', v: d[0], pos: i });
      i += d[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(rest);
    if (num && !/^[A-Za-z_]/.test(rest.slice(num[0].length))) {
      tokens.push({ t: 'number', v: Number(num[0]), raw: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
    if (word) {
      tokens.push({ t: 'word', v: word[0], pos: i });
      i += word[0].length;
      continue;
    }
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', "'": "'", '"': '"' };
      for (;;) {
        if (j >= text.length) throw unexpected(i, `'${rest}'`);
        const c = text[j]!;
        if (c === "'") break;
        if (c === '\\') {
          const next = text[j + 1] ?? '';
          // \% and \_ stay escaped: they only mean something inside LIKE patterns.
          if (next === '\\') value += '\\\\';
          else if (next === '%' || next === '_') value += `\\${next}`;
          else if (next in escapes) value += escapes[next];
          else
            throw soqlError(
              text,
              j,
              'MALFORMED_QUERY',
              `Invalid string literal '${rest}'. Illegal character sequence '\\${next}' in string literal.`,
            );
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      tokens.push({ t: 'string', v: value, pos: i });
      i = j + 1;
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>|,|\(|\))/.exec(rest);
    if (op) {
      tokens.push({ t: 'punct', v: op[0] === '<>' ? '!=' : op[0], pos: i });
      i += op[0].length;
      continue;
    }
    throw unexpected(i, ch);
  }
  tokens.push({ t: 'eof', pos: text.length });
  return tokens;
}

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'IN',
  'LIKE',
]);

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    const token = this.tokens[this.i]!;
    if (token.t !== 'eof') this.i++;
    return token;
  }
  private fail(token: Token): never {
    const shown = token.t === 'eof' ? '<EOF>' : this.text.slice(token.pos).split(/[\s,()]/)[0] || this.text[token.pos];
    throw soqlError(this.text, token.pos, 'MALFORMED_QUERY', `unexpected token: ${shown}`);
  }
  private isKeyword(word: string, token = this.peek()): boolean {
    return token.t === 'word' && token.v.toUpperCase() === word;
  }
  private keyword(word: string): void {
    const token = this.next();
    if (!this.isKeyword(word, token)) this.fail(token);
  }
  private identifier(): FieldRef {
    const token = this.next();
    if (token.t !== 'word' || RESERVED.has(token.v.toUpperCase())) this.fail(token);
    return { name: token.v, pos: token.pos };
  }

  parse(): SoqlQuery {
    this.keyword('SELECT');
    let count = false;
    const fields: FieldRef[] = [];
    if (this.isKeyword('COUNT') && this.tokens[this.i + 1]?.t === 'punct') {
      this.next();
      this.punct('(');
      this.punct(')');
      count = true;
    } else {
      do fields.push(this.identifier());
      while (this.take(','));
    }
    const seen = new Set<string>();
    for (const field of fields) {
      const key = field.name.toLowerCase();
      if (seen.has(key))
        throw soqlError(this.text, field.pos, 'MALFORMED_QUERY', `duplicate field selected: ${field.name}`);
      seen.add(key);
    }
    this.keyword('FROM');
    const object = this.identifier();
    let where: Expr | undefined;
    if (this.isKeyword('WHERE')) {
      this.next();
      where = this.orExpr();
    }
    const orderBy: OrderItem[] = [];
    if (this.isKeyword('ORDER')) {
      this.next();
      this.keyword('BY');
      do {
        const field = this.identifier();
        let desc = false;
        if (this.isKeyword('ASC')) this.next();
        else if (this.isKeyword('DESC')) {
          this.next();
          desc = true;
        }
        let nullsLast = desc; // Salesforce's default: nulls first ascending, last descending
        if (this.isKeyword('NULLS')) {
          this.next();
          const which = this.next();
          if (this.isKeyword('FIRST', which)) nullsLast = false;
          else if (this.isKeyword('LAST', which)) nullsLast = true;
          else this.fail(which);
        }
        orderBy.push({ field, desc, nullsLast });
      } while (this.take(','));
    }
    const limit = this.clause('LIMIT');
    const offset = this.clause('OFFSET');
    if (offset !== undefined && offset > 2000)
      throw new SoqlError('MALFORMED_QUERY', `Maximum SOQL offset allowed is 2000`);
    const end = this.next();
    if (end.t !== 'eof') this.fail(end);
    return { text: this.text, count, fields, object, where, orderBy, limit, offset };
  }

  /** `LIMIT n` / `OFFSET n` when present. */
  private clause(word: string): number | undefined {
    if (!this.isKeyword(word)) return undefined;
    this.next();
    return this.integer();
  }

  private take(punct: string): boolean {
    const token = this.peek();
    if (token.t === 'punct' && token.v === punct) {
      this.next();
      return true;
    }
    return false;
  }
  private punct(punct: string): void {
    if (!this.take(punct)) this.fail(this.peek());
  }
  private integer(): number {
    const token = this.next();
    if (token.t !== 'number' || !Number.isInteger(token.v) || token.v < 0) this.fail(token);
    return token.v;
  }

  /** One level of AND or OR; the other connective at the same level needs parentheses. */
  private orExpr(): Expr {
    const first = this.unary();
    const items = [first];
    let connective: 'AND' | 'OR' | undefined;
    while (this.isKeyword('AND') || this.isKeyword('OR')) {
      const token = this.peek() as { v: string };
      const word = token.v.toUpperCase() as 'AND' | 'OR';
      if (connective && word !== connective) this.fail(this.peek());
      connective = word;
      this.next();
      items.push(this.unary());
    }
    if (!connective) return first;
    return connective === 'AND' ? { type: 'and', items } : { type: 'or', items };
  }

  private unary(): Expr {
    if (this.isKeyword('NOT')) {
      this.next();
      return { type: 'not', item: this.unary() };
    }
    if (this.take('(')) {
      const inner = this.orExpr();
      this.punct(')');
      return inner;
    }
    return this.condition();
  }

  private condition(): Expr {
    const field = this.identifier();
    const token = this.next();
    let op: Operator;
    if (token.t === 'punct' && ['=', '!=', '<', '>', '<=', '>='].includes(token.v)) op = token.v as Operator;
    else if (this.isKeyword('LIKE', token)) op = 'LIKE';
    else if (this.isKeyword('IN', token)) op = 'IN';
    else if (this.isKeyword('NOT', token) && this.isKeyword('IN')) {
      this.next();
      op = 'NOT IN';
    } else this.fail(token);
    if (op === 'IN' || op === 'NOT IN') {
      this.punct('(');
      const values: Literal[] = [];
      do values.push(this.literal());
      while (this.take(','));
      this.punct(')');
      return { type: 'cond', field, op, value: values, pos: field.pos };
    }
    return { type: 'cond', field, op, value: this.literal(), pos: field.pos };
  }

  private literal(): Literal {
    const token = this.next();
    switch (token.t) {
      case 'string':
        return { kind: 'string', value: token.v };
      case 'number':
        return { kind: 'number', value: token.v };
      case 'date':
        return { kind: 'date', value: token.v };
      case 'datetime':
        return { kind: 'datetime', value: token.v };
      case 'word': {
        const upper = token.v.toUpperCase();
        if (upper === 'NULL') return { kind: 'null' };
        if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'boolean', value: upper === 'TRUE' };
        return this.fail(token);
      }
      default:
        return this.fail(token);
    }
  }
}

export function parseSoql(text: string): SoqlQuery {
  if (text.trim() === '') throw new SoqlError('MALFORMED_QUERY', 'A query string has to be specified');
  return new Parser(text, tokenize(text)).parse();
}
