import { type DiscoveredField, type MapRule, ruleKind, ruleSources } from '@synchub/core';
import type { z } from 'zod';
import { type Issue, isHubError, zodIssues } from '../../errors.js';
import type { PipelineKindArgs, ResolvedConnection } from '../kind.js';
import { incompatibility } from './compat.js';
import {
  describeObject,
  fieldListKey,
  listed,
  mappedSources,
  matches,
  objectOf,
  streamOf,
  streamOptionsFor,
  writerOf,
  writerOptionsFor,
} from './plan.js';
import type { SyncSettings } from './settings.js';

/** Field by exact name (vendors match written field names exactly); the near miss for the message. */
function fieldNamed(fields: DiscoveredField[], name: string): DiscoveredField | undefined {
  return fields.find((f) => f.name === name);
}

function noField(label: string, fields: DiscoveredField[], name: string): string {
  const near = fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  const hint = near ? ` (did you mean ${near.name}?)` : '';
  return `${label} has no field ${name}${hint}; known fields: ${listed(fields.map((f) => f.name))}`;
}

function optionIssues(schema: z.ZodType | undefined, options: Record<string, unknown>, path: string): Issue[] {
  if (!schema) return [];
  const parsed = schema.safeParse(options);
  return parsed.success ? [] : zodIssues(parsed.error, path);
}

/**
 * Save-time checks of a sync against the connectors and `discover`: the stream and writer exist, their
 * options fit their schemas, both objects exist, every mapped source and target field exists, targets
 * can be written in the writer's mode, and each value fits its target's type (see compat.ts).
 */
export async function validateSync({
  settings: s,
  connectionId,
  connectionOf,
}: PipelineKindArgs<SyncSettings>): Promise<Issue[]> {
  const issues: Issue[] = [];
  const source = await connectionOf(connectionId);
  const stream = streamOf(source.connector, s.stream);
  if (!stream) {
    issues.push({
      path: 'settings.stream',
      message: `${source.connector.name} has no stream ${s.stream}; known streams: ${listed(Object.keys(source.connector.streams))}`,
    });
  }

  let target: ResolvedConnection | undefined;
  try {
    target = await connectionOf(s.destinationConnectionId);
  } catch (error) {
    if (!isHubError(error) || error.code !== 'not_found') throw error;
    issues.push({ path: 'settings.destinationConnectionId', message: 'unknown connection' });
  }
  const writer = target ? writerOf(target.connector, s.writer) : undefined;
  if (target && !writer) {
    issues.push({
      path: 'settings.writer',
      message: `${target.connector.name} has no writer ${s.writer}; known writers: ${listed(Object.keys(target.connector.writers))}`,
    });
  }
  if (writer && matches(writer) && s.key === undefined) {
    issues.push({
      path: 'settings.key',
      message: `${s.writer} ${writer.mode === 'update' ? 'updates' : 'upserts'} existing records: name the target field to match them on`,
    });
  }

  const streamOptions = stream ? streamOptionsFor(stream, s) : s.streamOptions;
  const writerOptions = writer ? writerOptionsFor(writer, s) : s.writerOptions;
  if (stream) {
    issues.push(...optionIssues(stream.options, streamOptions, 'settings.streamOptions'));
    const listKey = fieldListKey(stream);
    const list = listKey ? s.streamOptions[listKey] : undefined;
    if (listKey && Array.isArray(list)) {
      const unread = mappedSources(s.mapping).filter((name) => !list.includes(name));
      if (unread.length > 0) {
        issues.push({
          path: `settings.streamOptions.${listKey}`,
          message: `does not read ${unread.join(', ')}, which the mapping uses (leave ${listKey} out to read what the mapping uses)`,
        });
      }
    }
  }
  if (writer) issues.push(...optionIssues(writer.options, writerOptions, 'settings.writerOptions'));
  if (issues.length > 0) return issues;
  if (!stream || !writer || !target) return issues;

  const sourceObject = objectOf(streamOptions, stream);
  const targetObject = objectOf(writerOptions, writer);
  const sourceFields = await describeObject(
    source,
    sourceObject,
    typeof s.streamOptions.object === 'string' ? 'settings.streamOptions.object' : 'settings.stream',
    issues,
  );
  // A publish writer that names no object (an event, a workflow trigger) takes free-form records.
  const freeForm = writer.mode === 'publish' && writer.object === undefined && writerOptions.object === undefined;
  const targetFields = freeForm
    ? undefined
    : await describeObject(
        target,
        targetObject,
        typeof s.writerOptions.object === 'string' ? 'settings.writerOptions.object' : 'settings.writer',
        issues,
      );
  checkMapping(s, writer.mode, {
    source: sourceFields && { label: `${source.connector.name} ${sourceObject}`, fields: sourceFields },
    target: targetFields && { label: `${target.connector.name} ${targetObject}`, fields: targetFields },
    issues,
  });
  return issues;
}

interface Described {
  label: string;
  fields: DiscoveredField[];
}

function checkMapping(
  s: SyncSettings,
  mode: 'insert' | 'update' | 'upsert' | 'publish',
  { source, target, issues }: { source?: Described | undefined; target?: Described | undefined; issues: Issue[] },
): void {
  const sourceField = (path: string) => (source ? fieldNamed(source.fields, path.split('.')[0] ?? path) : undefined);
  s.mapping.forEach((rule: MapRule, i) => {
    const at = `settings.mapping.${i}`;
    if (source) {
      const sourceKey = ruleKind(rule) === 'template' ? 'template' : 'from';
      const missing = [...new Set(ruleSources(rule).map((p) => p.split('.')[0] ?? p))].filter(
        (name) => !fieldNamed(source.fields, name),
      );
      for (const name of missing) {
        issues.push({ path: `${at}.${sourceKey}`, message: noField(source.label, source.fields, name) });
      }
    }
    if (!target) return;
    const field = fieldNamed(target.fields, rule.to);
    if (!field) {
      issues.push({ path: `${at}.to`, message: noField(target.label, target.fields, rule.to) });
      return;
    }
    // The key finds the record; it is sent, not changed, so it may be a field that cannot be updated.
    const isKey = rule.to === s.key;
    const readOnly =
      (mode === 'insert' && field.createable === false) ||
      (mode === 'update' && field.updateable === false && !isKey) ||
      (mode === 'upsert' && field.createable === false && field.updateable === false && !isKey);
    if (readOnly) {
      issues.push({
        path: `${at}.to`,
        message: `${target.label} field ${rule.to} cannot be written (${mode === 'insert' ? 'not createable' : 'read-only'})`,
      });
      return;
    }
    const why = incompatibility(rule, field, sourceField);
    if (why) issues.push({ path: `${at}.to`, message: `${target.label}: ${why}` });
  });
  if (target && (mode === 'insert' || mode === 'upsert')) {
    const mapped = new Set(s.mapping.map((rule) => rule.to));
    const needed = target.fields.filter((f) => f.required && f.createable !== false && !mapped.has(f.name));
    if (needed.length > 0) {
      issues.push({
        path: 'settings.mapping',
        message: `${target.label} needs ${needed.map((f) => f.name).join(', ')} on every new record: map ${needed.length === 1 ? 'it' : 'them'}`,
      });
    }
  }
}
