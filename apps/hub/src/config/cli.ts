import fs from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import {
  type ApplyAnswer,
  type ExportAnswer,
  type FieldChange,
  type PlannedChange,
  resolveSecretRefs,
} from './document.js';

/**
 * `synchub config export|apply`: a client of the running hub's `/api/config` routes (apply must go through the
 * hub, whose scheduler, delivery and alerts then see each change), authenticated with the admin token.
 */
export interface ConfigCli {
  /** The hub's base URL (`--url`, SYNCHUB_URL, or the SYNCHUB_HOST/SYNCHUB_PORT it listens on). */
  url: string;
  token: string | undefined;
  /** Where `${VAR}` secret references are looked up (the CLI's environment). */
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  out(text: string): void;
  err(text: string): void;
}

export const CONFIG_USAGE = `Usage:
  synchub config export [FILE]            Write the hub's configuration as YAML (to stdout without FILE)
  synchub config apply FILE [--dry-run] [--prune]
                                          Make the hub match FILE; --dry-run prints the changes only;
                                          --prune also deletes what FILE leaves out

Both talk to the running hub: --url <url> (env SYNCHUB_URL, default http://SYNCHUB_HOST:SYNCHUB_PORT) with the
admin token in SYNCHUB_ADMIN_TOKEN. Secrets are \${ENV_VAR} references in the file, resolved from this
shell's environment at apply time.
`;

interface HubAnswerError {
  message?: string;
  issues?: Array<{ path: string; message: string }>;
  applied?: PlannedChange[];
}

class CliProblem extends Error {
  override readonly name = 'CliProblem';
}

async function call<T>(cli: ConfigCli, method: string, route: string, body?: unknown): Promise<T> {
  if (!cli.token) {
    throw new CliProblem(
      "Set SYNCHUB_ADMIN_TOKEN to the hub's admin token (the one printed at its first start or by `synchub token`).",
    );
  }
  const url = `${cli.url.replace(/\/+$/, '')}${route}`;
  let res: Response;
  try {
    res = await (cli.fetch ?? fetch)(url, {
      method,
      headers: {
        authorization: `Bearer ${cli.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new CliProblem(
      `Cannot reach the hub at ${cli.url} (${(error as Error).message}); is it running? Pass --url or set SYNCHUB_URL.`,
    );
  }
  const text = await res.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new CliProblem(`The hub answered ${res.status} without JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const error = (answer as { error?: HubAnswerError }).error;
    const issues = (error?.issues ?? []).map((i) => `  ${i.path}: ${i.message}`);
    // A failure part-way through an apply (the store refused a change the plan could not foresee).
    if (error?.applied) throw new CliProblem([`The hub stopped: ${error.message}`, ...issues].join('\n'));
    if (issues.length > 0)
      throw new CliProblem([`Refused: ${issues.length} problem(s), nothing was changed:`, ...issues].join('\n'));
    throw new CliProblem(`The hub refused (${res.status}): ${error?.message ?? text.slice(0, 200)}`);
  }
  return answer as T;
}

const HEADER = `# Synchub configuration (synchub config export). Apply with: synchub config apply FILE [--dry-run] [--prune]
# Secrets are \${ENV_VAR} references: set those variables where you run apply.
`;

export async function configExport(cli: ConfigCli, file: string | undefined): Promise<number> {
  const answer = await call<ExportAnswer>(cli, 'GET', '/api/config');
  const yaml = HEADER + stringify(answer.document, { lineWidth: 0 });
  if (file) fs.writeFileSync(file, yaml, { mode: 0o600 });
  else cli.out(yaml);
  const report = [
    ...(file ? [`Wrote ${file}.`] : []),
    ...(answer.env.length > 0
      ? ['Secrets are not in the file; set these environment variables before `synchub config apply`:']
      : []),
    ...answer.env.map((e) => `  ${e.name}  (${e.for})`),
    ...answer.notes.map((n) => `Note: ${n}`),
  ];
  cli.err(`${report.join('\n')}\n`);
  return 0;
}

export async function configApply(
  cli: ConfigCli,
  file: string | undefined,
  options: { dryRun: boolean; prune: boolean },
): Promise<number> {
  if (!file) {
    cli.err(`synchub config apply: name the YAML file to apply.\n\n${CONFIG_USAGE}`);
    return 1;
  }
  const raw = readYaml(file);
  const { document, missing } = resolveSecretRefs(raw, cli.env);
  const answer = await call<ApplyAnswer>(cli, 'POST', '/api/config/apply', { document, ...options });
  cli.out(formatPlan(answer));
  if (missing.length > 0 && answer.plan.changes.length > 0) {
    cli.out(`Not set here (their stored secrets are kept): ${missing.join(', ')}\n`);
  }
  return 0;
}

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliProblem(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new CliProblem(
      [
        `${file} is not valid YAML, nothing was changed:`,
        ...doc.errors.map((e) => `  ${e.message.split('\n')[0]}`),
      ].join('\n'),
    );
  }
  return doc.toJS();
}

const SIGN: Record<PlannedChange['action'], string> = { create: '+', update: '~', delete: '-' };

const show = (value: unknown) => {
  const text = value === undefined ? '(none)' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};
// A secret's values are never in the answer: only that it is set, changed or removed.
const field = (f: FieldChange) =>
  f.secret
    ? `${f.path}: ${f.from === undefined ? 'set' : f.to === undefined ? 'removed' : 'changed'} (••••)`
    : `${f.path}: ${show(f.from)} → ${show(f.to)}`;

/** The plan as people read it: one line per object, its fields and notes below. */
export function formatPlan(answer: ApplyAnswer): string {
  const { changes, unmanaged } = answer.plan;
  const lines: string[] = [];
  if (changes.length === 0) lines.push('Nothing to change: the hub matches the file.');
  for (const c of changes) {
    lines.push(`${SIGN[c.action]} ${c.action} ${c.type} "${c.name}"`);
    for (const f of c.fields ?? []) lines.push(`    ${field(f)}`);
    for (const n of c.notes ?? []) lines.push(`    (${n})`);
  }
  if (unmanaged.length > 0) {
    lines.push(
      `Not in the file, left as they are (--prune deletes them): ${unmanaged.map((u) => `${u.type} "${u.name}"`).join(', ')}`,
    );
  }
  const count = (a: PlannedChange['action']) => changes.filter((c) => c.action === a).length;
  if (changes.length > 0) {
    lines.push(
      answer.dryRun
        ? `Dry run: ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete; nothing was changed.`
        : `Applied: ${count('create')} created, ${count('update')} updated, ${count('delete')} deleted.`,
    );
  }
  for (const k of answer.writeKeys) lines.push(`Write key of new source "${k.source}" (shown once): ${k.writeKey}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `synchub config <sub> …`; a problem the user can fix is printed without a stack. */
export async function runConfigCommand(
  cli: ConfigCli,
  args: { sub: string | undefined; file: string | undefined; dryRun: boolean; prune: boolean },
): Promise<number> {
  try {
    if (args.sub === 'export') return await configExport(cli, args.file);
    if (args.sub === 'apply') return await configApply(cli, args.file, { dryRun: args.dryRun, prune: args.prune });
    cli.err(args.sub ? `Unknown config command "${args.sub}"\n\n${CONFIG_USAGE}` : CONFIG_USAGE);
    return 1;
  } catch (error) {
    if (error instanceof Error && error.name === 'CliProblem') {
      cli.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
