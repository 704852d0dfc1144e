import type { ConnectorContext, ConnectorDefinition, SyncRecord } from '../connector.js';

/** Faults a connector package can switch on in its simulator for the fault checks. */
export type ContractFault = 'auth' | 'rate_limit' | 'server_error';

/** The part of a simulator's logged request the suite reads (sandbox's `LoggedRequest` fits). */
export interface ContractRequest {
  method?: string | undefined;
  path?: string | undefined;
  status?: number | undefined;
}

/** One stream run the suite reads twice: once in full, once resumed from a cursor. */
export interface StreamFixture {
  /** The connector's stream key; default: this fixture's key (use it for several fixtures of one stream). */
  stream?: string | undefined;
  options: Record<string, unknown>;
  /** Pages the simulator's data spans with these options. 2 or more makes the suite assert paging happened. */
  expectPages?: number | undefined;
  /**
   * The cursor is a high-water mark: reading from the final cursor yields nothing, and after `mutate()`
   * only the changed records. Without it, the cursor is a page position and resuming is checked exactly.
   */
  incremental?: boolean | undefined;
  /** Changes or adds vendor records (incremental streams), e.g. by editing the simulator's state. */
  mutate?: (() => Promise<void> | void) | undefined;
  /** How many records `mutate()` changes or adds; when given, exactly that many must come back. */
  mutated?: number | undefined;
  /** Identity of a record for duplicate/lost checks; default: the whole record's content. */
  recordKey?: ((record: SyncRecord) => string) | undefined;
}

/** Records one writer can be given. The suite writes to the simulator, so records must be safe to write. */
export interface WriterFixture {
  /** The connector's writer key; default: this fixture's key. */
  writer?: string | undefined;
  options: Record<string, unknown>;
  /** `n` valid records, fresh on each call (unique keys where the vendor insists). */
  sampleRecords(n: number): SyncRecord[] | Promise<SyncRecord[]>;
  /** One record the vendor rejects (missing required field, bad type…); enables the per-record check. */
  badRecord?: (() => SyncRecord) | undefined;
  /**
   * The vendor fails the whole call when one record is invalid (e.g. Gainsight Company insert). The writer
   * then returns the vendor's error for every record; the suite accepts that or "only the bad one failed".
   */
  allOrNothing?: boolean | undefined;
  /** Vendor calls one write of `batchSize` records makes, lookups included (default 1). */
  callsPerBatch?: number | undefined;
}

/**
 * What a connector package hands the contract suite: its definition wired to its simulator.
 * Everything after `teardown` is optional: a group whose fixtures or hooks are absent is skipped
 * (vitest reports it skipped, with the reason).
 */
export interface ContractSetup {
  connector: ConnectorDefinition;
  /** Raw settings input (as a user would type them); the suite parses them with the connector's schema. */
  settings: unknown;
  secrets: unknown;
  ctx: ConnectorContext;
  /** Secrets of the right shape that the vendor (simulator) refuses. */
  badSecrets: unknown;
  teardown?: (() => Promise<void> | void) | undefined;

  /** Fixtures by name; once given, every stream of the connector needs at least one. */
  streams?: Record<string, StreamFixture> | undefined;
  /** Fixtures by name; once given, every writer of the connector needs at least one. */
  writers?: Record<string, WriterFixture> | undefined;
  /** Calls the simulator has received so far (writer checks count calls with it). */
  requestCount?: (() => number) | undefined;
  /** The simulator's request log (used when `requestCount` is absent; also shown in failures). */
  requests?: (() => readonly ContractRequest[]) | undefined;

  /** Make the simulator answer every call with the fault: 401, 429 or 5xx. */
  inject?: ((fault: ContractFault) => Promise<void> | void) | undefined;
  /** Undo every injected fault (the suite calls it after each fault check, pass or fail). */
  clearFaults?: (() => Promise<void> | void) | undefined;
  /** Faults `inject` can cause; default all three. */
  faults?: readonly ContractFault[] | undefined;
  /** The rate_limited error must carry `retryAt` (vendor sends Retry-After, or the connector knows the window). */
  retryAtOnRateLimit?: boolean | undefined;
}

/** One rule every connector must keep. Plain async functions, so the suite itself can be tested. */
export interface ContractCheck {
  id: string;
  group: 'definition' | 'check' | 'discover' | 'streams' | 'writers' | 'rate limit' | 'faults';
  title: string;
  /** Why the check does not apply to this setup (no fixtures, no hooks); undefined when it does. */
  skip?: ((setup: ContractSetup) => string | undefined) | undefined;
  run(setup: ContractSetup): Promise<void>;
}
