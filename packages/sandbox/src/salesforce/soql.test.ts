import { describe, expect, it } from 'vitest';
import { type FieldValue, runSoql, type SoqlSchema, validateSoql } from './soql-eval.js';
import { parseSoql, SoqlError } from './soql.js';

const TYPES: Record<string, string> = {
  Id: 'id',
  Name: 'string',
  Score__c: 'double',
  Active__c: 'boolean',
  Renewal__c: 'date',
  SystemModstamp: 'datetime',
};
const schema: SoqlSchema = {
  name: 'Account',
  field: (name) => {
    const found = Object.keys(TYPES).find((k) => k.toLowerCase() === name.toLowerCase());
    return found ? { name: found, type: TYPES[found]! } : undefined;
  },
};
const rows: Array<Record<string, FieldValue>> = [
  {
    Id: 'a',
    Name: 'Acme Corp',
    Score__c: 10,
    Active__c: true,
    Renewal__c: '2024-07-01',
    SystemModstamp: '2024-05-01T10:00:00.000+0000',
  },
  {
    Id: 'b',
    Name: 'blue_50%',
    Score__c: null,
    Active__c: false,
    Renewal__c: null,
    SystemModstamp: '2024-05-01T12:00:00.000+0000',
  },
  {
    Id: 'c',
    Name: "O'Brien Ltd",
    Score__c: 30,
    Active__c: true,
    Renewal__c: '2024-06-01',
    SystemModstamp: '2024-05-02T00:00:00.000+0000',
  },
];

function run(soql: string): string[] {
  const query = parseSoql(soql);
  validateSoql(query, schema);
  return runSoql(query, schema, rows).map((r) => String(r.Id));
}

function rejection(soql: string): { errorCode: string; message: string } {
  try {
    validateSoql(parseSoql(soql), schema);
  } catch (error) {
    if (error instanceof SoqlError) return { errorCode: error.errorCode, message: error.message };
    throw error;
  }
  throw new Error(`accepted: ${soql}`);
}

describe('SOQL parser', () => {
  it('reads fields, object, filter, order and limit, with keywords in any case', () => {
    const query = parseSoql('select Id, name from Account where Score__c >= 10 order by Name desc nulls last limit 5');
    expect(query.fields.map((f) => f.name)).toEqual(['Id', 'name']);
    expect(query.object.name).toBe('Account');
    expect(query.orderBy).toEqual([{ field: expect.objectContaining({ name: 'Name' }), desc: true, nullsLast: true }]);
    expect(query.limit).toBe(5);
    validateSoql(query, schema);
    expect(query.fields.map((f) => f.name)).toEqual(['Id', 'Name']);
  });

  it('compares datetimes given with Z, +0000 or an offset, and dates', () => {
    expect(run('SELECT Id FROM Account WHERE SystemModstamp > 2024-05-01T10:00:00Z')).toEqual(['b', 'c']);
    expect(run('SELECT Id FROM Account WHERE SystemModstamp > 2024-05-01T10:00:00.000+0000')).toEqual(['b', 'c']);
    expect(run('SELECT Id FROM Account WHERE SystemModstamp < 2024-05-01T09:00:00-02:00')).toEqual(['a']);
    expect(run('SELECT Id FROM Account WHERE Renewal__c <= 2024-06-30')).toEqual(['c']);
  });

  it('rejects a datetime whose + was decoded to a space', () => {
    const error = rejection('SELECT Id FROM Account WHERE SystemModstamp > 2024-05-01T00:00:00 0000');
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toContain('ERROR at Row:1:Column:47');
  });

  it('matches strings ignoring case, with LIKE wildcards and escapes', () => {
    expect(run("SELECT Id FROM Account WHERE Name = 'ACME CORP'")).toEqual(['a']);
    expect(run("SELECT Id FROM Account WHERE Name LIKE 'a%'")).toEqual(['a']);
    expect(run("SELECT Id FROM Account WHERE Name LIKE 'blue\\_50\\%'")).toEqual(['b']);
    expect(run("SELECT Id FROM Account WHERE Name LIKE 'blue_5_%'")).toEqual(['b']);
    expect(run("SELECT Id FROM Account WHERE Name = 'O\\'Brien Ltd'")).toEqual(['c']);
  });

  it('handles IN, NOT IN, null, booleans and NOT', () => {
    expect(run("SELECT Id FROM Account WHERE Id IN ('a', 'c')")).toEqual(['a', 'c']);
    expect(run("SELECT Id FROM Account WHERE Id NOT IN ('a')")).toEqual(['b', 'c']);
    expect(run('SELECT Id FROM Account WHERE Score__c = null')).toEqual(['b']);
    expect(run('SELECT Id FROM Account WHERE Score__c != null')).toEqual(['a', 'c']);
    expect(run('SELECT Id FROM Account WHERE Score__c < 100')).toEqual(['a', 'c']);
    expect(run('SELECT Id FROM Account WHERE Active__c = false')).toEqual(['b']);
    expect(run('SELECT Id FROM Account WHERE NOT Active__c = false')).toEqual(['a', 'c']);
  });

  it('needs parentheses to mix AND and OR', () => {
    expect(rejection("SELECT Id FROM Account WHERE Score__c > 5 AND Active__c = true OR Name = 'x'").errorCode).toBe(
      'MALFORMED_QUERY',
    );
    expect(run("SELECT Id FROM Account WHERE Score__c > 20 OR (Active__c = false AND Name LIKE 'b%')")).toEqual([
      'b',
      'c',
    ]);
  });

  it('orders with nulls first ascending and last descending, then offsets and limits', () => {
    expect(run('SELECT Id FROM Account ORDER BY Score__c')).toEqual(['b', 'a', 'c']);
    expect(run('SELECT Id FROM Account ORDER BY Score__c DESC')).toEqual(['c', 'a', 'b']);
    expect(run('SELECT Id FROM Account ORDER BY Score__c ASC NULLS LAST LIMIT 2')).toEqual(['a', 'c']);
    expect(run('SELECT Id FROM Account ORDER BY SystemModstamp DESC LIMIT 1 OFFSET 1')).toEqual(['b']);
  });

  it('rejects bad syntax, unknown fields and mistyped literals as Salesforce does', () => {
    expect(rejection('SELECT Id FRM Account')).toEqual({
      errorCode: 'MALFORMED_QUERY',
      message: '\nSELECT Id FRM Account\n          ^\nERROR at Row:1:Column:11\nunexpected token: FRM',
    });
    expect(rejection('SELECT FROM Account').errorCode).toBe('MALFORMED_QUERY');
    expect(rejection('SELECT Id, Id FROM Account').message).toContain('duplicate field selected: Id');
    expect(rejection('SELECT Id FROM Account WHERE').message).toContain('unexpected token: <EOF>');
    expect(rejection("SELECT Id FROM Account WHERE Name = 'open").errorCode).toBe('MALFORMED_QUERY');
    const unknown = rejection('SELECT Id, Foo__c FROM Account');
    expect(unknown.errorCode).toBe('INVALID_FIELD');
    expect(unknown.message).toContain("No such column 'Foo__c' on entity 'Account'");
    expect(rejection("SELECT Id FROM Account WHERE SystemModstamp > '2024-05-01'").message).toContain(
      "value of filter criterion for field 'SystemModstamp' must be of type dateTime and should not be enclosed in quotes",
    );
    expect(rejection('SELECT Id FROM Account WHERE Name = 5').errorCode).toBe('INVALID_FIELD');
    expect(rejection('SELECT Id FROM Account WHERE Score__c LIKE 1').errorCode).toBe('INVALID_FIELD');
  });

  it('reads SELECT COUNT()', () => {
    const query = parseSoql('SELECT COUNT() FROM Account WHERE Active__c = true');
    expect(query.count).toBe(true);
    expect(runSoql(query, schema, rows)).toHaveLength(2);
  });
});
