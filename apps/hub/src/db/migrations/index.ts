import type { Migration } from 'kysely';
import { foundation } from './0001-foundation.js';
import { events } from './0002-events.js';
import { pipelines } from './0003-pipelines.js';
import { customerStore } from './0004-customer-store.js';
import { metrics } from './0005-metrics.js';
import { retired } from './0006-retired.js';
import { runRecords } from './0007-run-records.js';
import { deliverySends } from './0008-delivery-sends.js';
import { csCompanies } from './0009-cs-companies.js';
import { alerts } from './0010-alerts.js';
import { pluginState } from './0011-plugin-state.js';
import { identifyUser } from './0012-identify-user.js';
import { eventAttempts } from './0013-event-attempts.js';
import { ingestRefusals } from './0014-ingest-refusals.js';
import { postgresDueEvents } from './0015-postgres-due-events.js';
import { leases } from './0016-leases.js';
import { budgetReserve } from './0017-budget-reserve.js';
import { runClaims } from './0018-run-claims.js';

/**
 * Migrations run in order of their names. Never edit a released migration: add a new file and a line
 * here. Column types stay portable (text/integer) so the schema can move to PostgreSQL later.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_events': events,
  '0003_pipelines': pipelines,
  '0004_customer_store': customerStore,
  '0005_metrics': metrics,
  '0006_retired': retired,
  '0007_run_records': runRecords,
  '0008_delivery_sends': deliverySends,
  '0009_cs_companies': csCompanies,
  '0010_alerts': alerts,
  '0011_plugin_state': pluginState,
  '0012_identify_user': identifyUser,
  '0013_event_attempts': eventAttempts,
  '0014_ingest_refusals': ingestRefusals,
  '0015_postgres_due_events': postgresDueEvents,
  '0016_leases': leases,
  '0017_budget_reserve': budgetReserve,
  '0018_run_claims': runClaims,
};

/**
 * Migrations retired after release (now no-ops), by their current name. A database that ran one under
 * its old name (same number) has that record renamed before migrating: Kysely refuses a database whose
 * executed migrations are missing from the list.
 */
export const RETIRED: readonly string[] = ['0006_retired'];
