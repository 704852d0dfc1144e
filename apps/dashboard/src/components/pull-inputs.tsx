import { useEffect, useState } from 'preact/hooks';
import { type Node, parseJsonText } from '../pull-form.js';
import type { FieldsContext } from './pull-fields.js';

// Inputs that keep what the user typed while it is not a value yet: numbers, and JSON (the where clause,
// the field mappings with their "Detect fields" button). Problems go to the section, which blocks saving.

interface InputProps {
  id: string;
  value: unknown;
  describedBy?: string | undefined;
  invalid: boolean;
  onChange: (value: unknown) => void;
  path: string;
  ctx: FieldsContext;
}

/** Keeps what the user typed while it is not a number yet; the value is a number or undefined (blank). */
export function NumberInput({
  id,
  value,
  describedBy,
  invalid,
  onChange,
  path,
  ctx,
  integer,
  schema,
}: InputProps & {
  integer: boolean;
  schema: Node;
}) {
  const shown = typeof value === 'number' ? String(value) : '';
  const [text, setText] = useState(shown);
  useEffect(() => {
    if (Number(text) !== value || text.trim() === '') setText(shown);
  }, [shown]);
  const input = (raw: string) => {
    setText(raw);
    const n = Number(raw);
    if (raw.trim() === '') {
      ctx.setProblem(path, undefined);
      onChange(undefined);
    } else if (!Number.isFinite(n)) ctx.setProblem(path, 'Enter a number.');
    else if (integer && !Number.isInteger(n)) ctx.setProblem(path, 'Enter a whole number.');
    else {
      ctx.setProblem(path, undefined);
      onChange(n);
    }
  };
  return (
    <input
      id={id}
      type="number"
      value={text}
      min={schema.minimum}
      max={schema.maximum}
      step={integer ? 1 : 'any'}
      placeholder={schema.default !== undefined ? `Default ${String(schema.default)}` : undefined}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      onInput={(e) => input(e.currentTarget.value)}
    />
  );
}

/** A JSON editor that checks its text as you type; "Detect fields" fills a field mapping from the hub. */
export function JsonInput({
  id,
  value,
  describedBy,
  invalid,
  onChange,
  path,
  ctx,
  must,
  detect,
}: InputProps & {
  must: 'object' | 'any';
  detect: boolean;
}) {
  const pretty = value === undefined ? '' : JSON.stringify(value, null, 2);
  const [text, setText] = useState(pretty);
  const [state, setState] = useState<{ busy: boolean; note?: string }>({ busy: false });
  useEffect(() => {
    const parsed = parseJsonText(text, must);
    if (!parsed.ok || JSON.stringify(parsed.value) !== JSON.stringify(value)) setText(pretty);
  }, [pretty]);
  const input = (raw: string) => {
    setText(raw);
    const parsed = parseJsonText(raw, must);
    ctx.setProblem(path, parsed.ok ? undefined : parsed.error);
    if (parsed.ok) onChange(parsed.value);
  };
  const runDetect = async () => {
    if (!ctx.detect) return;
    setState({ busy: true });
    try {
      const found = await ctx.detect(path);
      ctx.setProblem(path, undefined);
      onChange(found);
      setText(JSON.stringify(found, null, 2));
      setState({ busy: false, note: 'Detected from the response object’s fields.' });
    } catch (e) {
      setState({ busy: false, note: `Detection failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  };
  return (
    <>
      <textarea
        id={id}
        class="mono"
        rows={Math.min(12, Math.max(3, text.split('\n').length))}
        spellcheck={false}
        value={text}
        placeholder={must === 'object' ? '{ }' : 'JSON'}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        onInput={(e) => input(e.currentTarget.value)}
      />
      {detect && ctx.detect && (
        <div class="button-row start">
          <button type="button" class="button small" disabled={state.busy} onClick={runDetect}>
            {state.busy ? 'Detecting…' : 'Detect fields'}
          </button>
          {state.note && (
            <span class="muted small" role="status">
              {state.note}
            </span>
          )}
        </div>
      )}
    </>
  );
}
