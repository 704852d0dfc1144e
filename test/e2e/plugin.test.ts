import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createGainsightSimulator,
  createSalesforceSimulator,
  listen,
  type RunningServer,
  type SalesforceRecord,
} from '@synchub/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSourceArgs } from '../hub-command.js';
import { type HubProcess, type Json, startHubProcess, until } from '../hub-process.js';
import { type AcmeVendor, startAcmeVendor } from './acme-vendor.js';

/**
 * A third-party connector, used with no change to the hub: the package in fixtures/acme-plugin (plain
 * JavaScript, the one docs/plugins.md shows) is written to a temp folder, installed into a plugin folder
 * and loaded by a real hub process started with SYNCHUB_PLUGIN_DIR. Everything after that goes through
 * the HTTP API, and every claim is checked where the records land: at the plugin's own vendor ("Acme",
 * acme-vendor.ts) and at the Salesforce and Gainsight simulators.
 */
const TOKEN = 'e2e-admin-token-plugin-0123456789';
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const FIXTURE = path.join(here, 'fixtures', 'acme-plugin');
const PACKAGE = '@acme/synchub-connector-acme';
type Row = Record<string, unknown>;

let tmp: string;
let hub: HubProcess;
let acme: AcmeVendor;
// Salesforce answers 15 rows a page; the sync writes each page in batches of the writer's batchSize (10).
// (Seeded domains are unique up to 22 accounts; Acme matches companies on domain.)
const sf = createSalesforceSimulator({ accounts: 20, pageSize: 15 });
const gs = createGainsightSimulator({ companies: 3, people: 0 });
let sfServer: RunningServer;
let gsServer: RunningServer;
const ids = { acme: '', salesforce: '', gainsight: '' };

/** Writes the package into a temp folder, then installs it the way `npm install <tarball>` lays it out. */
async function installPlugin(root: string): Promise<string> {
  const written = path.join(root, 'acme-plugin');
  await cp(FIXTURE, written, { recursive: true });
  const pluginDir = path.join(root, 'plugins');
  await cp(written, path.join(pluginDir, 'node_modules', PACKAGE), { recursive: true });
  // Its peer dependency: npm would install zod beside it; link the hub's own copy instead of downloading.
  const zod = path.dirname(createRequire(path.join(repo, 'apps/hub/package.json')).resolve('zod/package.json'));
  await symlink(zod, path.join(pluginDir, 'node_modules', 'zod'), 'dir');
  return pluginDir;
}

/** An API call that must succeed; a refusal fails the test with the hub's own answer. */
const ok = (method: string, route: string, body?: unknown) => hub.ok(method, route, body);
/** Starts a run and waits for it to end; a failed run fails the test with its error. */
async function run(pipelineId: string): Promise<Json> {
  const done = await hub.run(pipelineId);
  expect(done.error, JSON.stringify(done.error)).toBeNull();
  expect(done.status).toBe('completed');
  return done;
}

const accounts = () => [...(sf.state.records.get('Account')?.values() ?? [])] as SalesforceRecord[];
const TIERS: Record<string, string> = { Enterprise: 'enterprise', 'Mid-Market': 'growth', SMB: 'starter' };
/** What Acme must hold for a Salesforce account after the sync below. */
const expectedCompany = (a: SalesforceRecord): Row => ({
  domain: a.Domain__c,
  name: a.Name,
  industry: a.Industry,
  employees: a.NumberOfEmployees,
  plan: TIERS[String(a.Customer_Tier__c)] ?? 'starter',
  location: `${a.BillingCity}, ${a.BillingCountry}`,
  source: 'salesforce',
});
const accountsToAcme = () => ({
  kind: 'sync',
  connectionId: ids.salesforce,
  enabled: false,
  settings: {
    stream: 'accounts',
    streamOptions: {
      object: 'Account',
      fields: [
        'Name',
        'Domain__c',
        'Industry',
        'NumberOfEmployees',
        'Customer_Tier__c',
        'BillingCity',
        'BillingCountry',
      ],
    },
    destinationConnectionId: ids.acme,
    writer: 'companies_upsert',
    writerOptions: {},
    mapping: [
      { from: 'Domain__c', to: 'domain', required: true },
      { from: 'Name', to: 'name' },
      { from: 'Industry', to: 'industry' },
      { from: 'NumberOfEmployees', to: 'employees', type: 'integer' },
      { from: 'Customer_Tier__c', to: 'plan', lookup: TIERS, lookupDefault: 'starter' },
      { template: '{{BillingCity}}, {{BillingCountry}}', to: 'location' },
      { value: 'salesforce', to: 'source' },
    ],
    key: 'domain',
  },
});

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'synchub-plugin-'));
  const pluginDir = await installPlugin(tmp);
  const dataDir = path.join(tmp, 'data');
  await mkdir(dataDir);
  const gsCompany = gs.state.rows('company')[0]!;
  // Acme starts with three companies, one named like a Gainsight company (the upsert must update it).
  acme = await startAcmeVendor({
    companies: [
      { domain: 'globex.example', name: String(gsCompany.Name), employees: 4321, plan: 'enterprise' },
      { domain: 'initech.example', name: 'Initech', employees: 120, plan: 'growth' },
      { domain: 'hooli.example', name: 'Hooli', employees: 75, plan: 'starter' },
    ],
  });
  [sfServer, gsServer, hub] = await Promise.all([
    listen(sf.app),
    listen(gs.app),
    startHubProcess({ args: hubSourceArgs('start'), dataDir, pluginDir, token: TOKEN }),
  ]);
  const connection = async (body: Json) =>
    ((await ok('POST', '/api/connections', body)).connection as Json).id as string;
  ids.acme = await connection({
    connectorId: 'acme',
    name: 'Acme',
    settings: { baseUrl: acme.url },
    secrets: { apiKey: acme.apiKey },
  });
  ids.salesforce = await connection({
    connectorId: 'salesforce',
    name: 'Salesforce',
    settings: { loginUrl: sfServer.url, clientId: sf.credentials.clientId, sandbox: true },
    secrets: { clientSecret: sf.credentials.clientSecret, refreshToken: sf.credentials.refreshToken },
  });
  ids.gainsight = await connection({
    connectorId: 'gainsight',
    name: 'Gainsight',
    settings: { domain: gsServer.url, sandbox: true },
    secrets: { accessKey: gs.credentials.accessKey },
  });
}, 60_000);

afterAll(async () => {
  await hub?.stop();
  await Promise.all([sfServer?.close(), gsServer?.close(), acme?.close()]);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('a connector plugin installed in SYNCHUB_PLUGIN_DIR', () => {
  it('is the package docs/plugins.md shows, file for file', async () => {
    const doc = await readFile(path.join(repo, 'docs/plugins.md'), 'utf8');
    const shown = new Map([...doc.matchAll(/<!-- file: (\S+) -->\n```\w+\n([\s\S]*?)```\n/g)].map((m) => [m[1], m[2]]));
    const files = (await readdir(FIXTURE)).sort();
    expect([...shown.keys()].sort()).toEqual(files.map((f) => `test/e2e/fixtures/acme-plugin/${f}`).sort());
    for (const file of files) {
      const text = await readFile(path.join(FIXTURE, file), 'utf8');
      expect(shown.get(`test/e2e/fixtures/acme-plugin/${file}`), `${file} in docs/plugins.md`).toBe(text);
    }
  });

  it('loads, checks and discovers; its streams, writers and destination are described', async () => {
    const { connectors, errors } = await ok('GET', '/api/connectors');
    expect(errors, hub.output.join('\n')).toEqual([]);
    const described = (connectors as Json[]).find((c) => c.id === 'acme');
    expect(described, hub.output.join('\n')).toBeDefined();
    expect(described?.streamDetails).toEqual([expect.objectContaining({ name: 'companies', object: 'companies' })]);
    expect(described?.writers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'companies_upsert', mode: 'upsert', batchSize: 10, object: 'companies' }),
        expect.objectContaining({ name: 'events_insert', mode: 'insert' }),
      ]),
    );
    expect(described?.destination).toMatchObject({
      title: 'Acme CRM',
      messageTypes: ['identify', 'track'],
      merge: true,
    });

    expect(await ok('POST', `/api/connections/${ids.acme}/validate`)).toMatchObject({
      ok: true,
      summary: 'Connected to Acme account Acme test account',
    });
    const { objects } = await ok('POST', `/api/connections/${ids.acme}/discover`, { objects: ['companies'] });
    expect((objects as Json[])[0]?.fields.map((f: Json) => f.name)).toContain('domain');
    expect(acme.requests.filter((r) => r.path === '/v1/me')).toHaveLength(1);
  });

  describe('(a) Salesforce accounts → the plugin writer, incrementally', () => {
    let pipelineId: string;

    it('writes every account, mapped, in batches of the writer’s batchSize', async () => {
      const { pipeline } = await ok('POST', '/api/pipelines', { ...accountsToAcme(), name: 'Accounts → Acme' });
      pipelineId = pipeline.id;
      const before = acme.writes('/v1/companies/upsert').length;
      const done = await run(pipelineId);
      const calls = acme.writes('/v1/companies/upsert').slice(before);
      expect(calls.map((records) => records.length)).toEqual([10, 5, 5]);
      expect(calls.flat()).toEqual(accounts().map(expectedCompany));
      for (const account of accounts()) {
        expect(acme.companies.get(String(account.Domain__c))).toMatchObject(expectedCompany(account));
      }
      expect(done.counts).toMatchObject({ read: 20, written: 20, skipped: 0, failed: 0 });
      // Every call carried the connection's key: the hub decrypted the plugin's secret for it.
      const sent = acme.requests.filter((r) => r.path === '/v1/companies/upsert');
      expect(sent.every((r) => r.headers.authorization === `Bearer ${acme.apiKey}`)).toBe(true);
    });

    it('after an edit in Salesforce, the next run writes only the edited account', async () => {
      const account = accounts()[4]!;
      // The edit goes through Salesforce's own REST API, as a user's change would.
      const token = (await (
        await fetch(`${sfServer.url}/services/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: String(sf.credentials.clientId),
            client_secret: String(sf.credentials.clientSecret),
            refresh_token: String(sf.credentials.refreshToken),
          }),
        })
      ).json()) as { access_token: string };
      const edit = await fetch(`${sfServer.url}/services/data/v60.0/sobjects/Account/${account.Id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ Name: 'Renamed Holdings Inc', NumberOfEmployees: 777 }),
      });
      expect(edit.status).toBe(204);

      const before = acme.writes('/v1/companies/upsert').length;
      const done = await run(pipelineId);
      const calls = acme.writes('/v1/companies/upsert').slice(before);
      expect(calls).toEqual([[{ ...expectedCompany(account), name: 'Renamed Holdings Inc', employees: 777 }]]);
      expect(acme.companies.get(String(account.Domain__c))).toMatchObject({
        name: 'Renamed Holdings Inc',
        employees: 777,
      });
      expect(done.counts).toMatchObject({ read: 1, written: 1, failed: 0 });
      expect(await ok('GET', `/api/runs/${done.id}/records`)).toEqual({
        records: [{ key: account.Domain__c, status: 'written', reason: null, error: null }],
        total: 1,
      });
    });
  });

  describe('(b) the plugin stream → Gainsight Company, upsert on Name', () => {
    it('updates the company Gainsight has and inserts the others', async () => {
      const { connector } = await ok('GET', '/api/connectors/gainsight');
      expect(connector.writers).toContainEqual(
        expect.objectContaining({ name: 'company_upsert', mode: 'upsert', object: 'Company' }),
      );
      const existing = gs.state.rows('company').map((r) => ({ ...r }));
      const matched = existing[0]!;
      const { pipeline } = await ok('POST', '/api/pipelines', {
        kind: 'sync',
        name: 'Acme → Gainsight companies',
        connectionId: ids.acme,
        enabled: false,
        settings: {
          stream: 'companies',
          streamOptions: { pageSize: 5 },
          destinationConnectionId: ids.gainsight,
          writer: 'company_upsert',
          writerOptions: {},
          mapping: [
            { from: 'name', to: 'Name', required: true },
            { from: 'employees', to: 'Employees', type: 'number' },
          ],
          key: 'Name',
        },
      });
      const done = await run(pipeline.id);

      const companies = [...acme.companies.values()];
      expect(done.counts).toMatchObject({ read: companies.length, written: companies.length, failed: 0 });
      const rows = gs.state.rows('company');
      const byName = new Map(rows.map((r) => [String(r.Name), r]));
      for (const company of companies) {
        expect(byName.get(String(company.name)), String(company.name)).toMatchObject({ Employees: company.employees });
      }
      // Upsert, not insert: the company Gainsight had keeps its Gsid and no name appears twice.
      expect(byName.get(String(matched.Name))?.Gsid).toBe(matched.Gsid);
      expect(byName.get(String(matched.Name))?.Employees).toBe(4321);
      const names = new Set([...existing.map((r) => String(r.Name)), ...companies.map((c) => String(c.name))]);
      expect(rows).toHaveLength(names.size);
      // The stream paged (5 a page) from the beginning: the plugin sent no cursor on this first run.
      const reads = acme.requests.filter((r) => r.path === '/v1/companies');
      expect(reads[0]?.query).toEqual({ limit: '5' });
      expect(reads.length).toBe(Math.ceil(companies.length / 5));
    });
  });

  describe('(c) tracking events → the plugin’s event destination', () => {
    it('is listed with its settings schema, and delivers identify and track calls mapped', async () => {
      const { kinds } = await ok('GET', '/api/destinations/kinds');
      const kind = (kinds as Json[]).find((k) => k.kind === 'acme');
      expect(kind).toMatchObject({ connectorId: 'acme', messageTypes: ['identify', 'track'], merge: true });
      expect(JSON.stringify(kind?.settingsSchema)).toContain('emailTrait');

      const { destination } = await ok('POST', '/api/destinations', {
        name: 'Acme CRM',
        kind: 'acme',
        connectionId: ids.acme,
        settings: { flushWindowMs: 200 },
      });
      const { source, writeKey } = await ok('POST', '/api/sources', { name: 'Web app', destinationId: destination.id });
      const batch = [
        { type: 'identify', userId: 'u1', traits: { email: 'Ada@Example.com', firstName: 'Ada' } },
        { type: 'identify', userId: 'u1', traits: { email: 'ada@example.com', title: 'CTO' } },
        { type: 'identify', userId: 'u2', traits: { email: 'grace@example.com', lastName: 'Hopper' } },
        { type: 'track', userId: 'u1', event: 'Report Exported', properties: { format: 'csv' } },
        { type: 'page', userId: 'u1', name: 'Pricing' },
        { type: 'identify', userId: 'u3', traits: { firstName: 'No email' } },
      ];
      const res = await fetch(`${hub.url}/v1/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
        },
        body: JSON.stringify({ batch }),
      });
      expect(res.ok, await res.clone().text()).toBe(true);

      const events = await until(
        'every event settled',
        async () => (await ok('GET', `/api/events?sourceId=${source.id}`)).events as Json[],
        (list) => list.length === batch.length && list.every((e) => e.state === 'delivered' || e.state === 'failed'),
      );
      // Failed, each with its reason: the identify `map` refused, and the page (not a type Acme takes).
      const failed = events.filter((e) => e.state === 'failed').map((e) => [e.type, e.lastError?.code]);
      expect(failed.sort()).toEqual([
        ['identify', 'missing_email'],
        ['page', 'unsupported'],
      ]);
      // The two identifies of Ada became one contact (merged in the flush window), Grace another.
      expect(acme.writes('/v1/contacts/upsert').flat()).toEqual([
        { email: 'ada@example.com', userId: 'u1', firstName: 'Ada', title: 'CTO' },
        { email: 'grace@example.com', userId: 'u2', lastName: 'Hopper' },
      ]);
      expect(acme.contacts.get('ada@example.com')).toMatchObject({ firstName: 'Ada', title: 'CTO', userId: 'u1' });
      expect(acme.events).toEqual([
        expect.objectContaining({ name: 'Report Exported', userId: 'u1', properties: { format: 'csv' } }),
      ]);
      // The hub's messageId goes with it (Acme can drop a repeat); the page sent nothing (the one event is the track).
      expect(acme.events[0]?.messageId).toEqual(expect.any(String));
    });
  });

  describe('(d) preview', () => {
    it('answers the records and the exact requests, and sends nothing to the target', async () => {
      const { pipeline } = await ok('POST', '/api/pipelines', { ...accountsToAcme(), name: 'Accounts → Acme (draft)' });
      const before = acme.requests.length;
      const { preview } = await ok('POST', `/api/pipelines/${pipeline.id}/preview`, { limit: 3 });
      expect(acme.requests.length).toBe(before);

      expect(preview.error).toBeNull();
      expect(preview.records).toHaveLength(3);
      const first3 = accounts().slice(0, 3);
      expect(preview.records.map((r: Json) => r.after)).toEqual(first3.map(expectedCompany));
      expect(preview.records.map((r: Json) => r.before.Name)).toEqual(first3.map((a) => a.Name));
      expect(preview.requests).toEqual([
        {
          connectionId: ids.acme,
          connectorId: 'acme',
          method: 'POST',
          url: `${acme.url}/v1/companies/upsert`,
          headers: { accept: 'application/json', authorization: '••••', 'content-type': 'application/json' },
          body: { records: first3.map(expectedCompany) },
        },
      ]);
      expect(JSON.stringify(preview)).not.toContain(acme.apiKey);
      // A preview creates no run.
      expect((await ok('GET', `/api/pipelines/${pipeline.id}/runs`)).runs).toEqual([]);

      // Unsaved settings preview the same way, and save nothing.
      const listed = ((await ok('GET', '/api/pipelines')).pipelines as Json[]).length;
      const draft = await ok('POST', '/api/pipelines/preview', { ...accountsToAcme(), name: 'unsaved', limit: 2 });
      expect(draft.preview.records.map((r: Json) => r.after)).toEqual(first3.slice(0, 2).map(expectedCompany));
      expect(draft.preview.requests).toHaveLength(1);
      expect(acme.requests.length).toBe(before);
      expect(((await ok('GET', '/api/pipelines')).pipelines as Json[]).length).toBe(listed);
    });
  });
});
