import type { Db } from '../db/index.js';
import { isHubError } from '../errors.js';
import type { HubLogger } from '../logger.js';
import type { Runner } from './runner.js';

/**
 * Starts due pipelines. Next-run times are persisted, so a run missed while the hub was down is due
 * at start and runs once (then the schedule continues from now, no catch-up storm). With several processes
 * on one database each ticks; an occurrence is claimed by one of them (`runner.claim`), and each tick first
 * marks interrupted the runs whose process stopped answering, which makes their pipelines due again.
 */
export function createScheduler(deps: {
  db: Db;
  runner: Runner;
  logger: HubLogger;
  now: () => number;
  tickMs?: number;
}) {
  const { db, runner, logger, now } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let first = true;

  async function tick(): Promise<string[]> {
    const interrupted = await runner.interruptOrphans();
    if (interrupted > 0)
      logger.warn('Runs whose process stopped were marked interrupted and will be retried', {
        count: interrupted,
      });
    const due = await db
      .selectFrom('pipelines')
      .select(['id', 'next_run_at'])
      .where('enabled', '=', 1)
      .where('next_run_at', '<=', now())
      .execute();
    const started: string[] = [];
    for (const { id, next_run_at: occurrence } of due) {
      if (runner.isRunning(id) || occurrence === null) continue;
      try {
        if (await runner.claim(id, occurrence, first ? 'startup' : 'schedule')) started.push(id);
      } catch (error) {
        // Running in another process: that run covers this occurrence, as a local one does.
        if (isHubError(error) && error.code === 'conflict') continue;
        logger.warn('Scheduled run not started', { pipelineId: id, error });
      }
    }
    first = false;
    return started;
  }

  const loop = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await tick().catch((error) => logger.error('Scheduler tick failed', { error }));
      loop();
    }, deps.tickMs ?? 5000);
  };

  return {
    tick,
    async start() {
      stopped = false;
      await tick().catch((error) => logger.error('Scheduler tick failed', { error }));
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await runner.stop();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
