import type { ComponentChildren } from 'preact';

// The pieces the list pages (connections, destinations, sources) share: the success notice, the table,
// and the inline "are you sure?" of a row action. Loading their data is in load.tsx.

export function SuccessNotice({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p class="notice success" role="status">
      {text}
    </p>
  );
}

interface ConfirmProps {
  /** The question, e.g. what the action will break. */
  prompt?: string;
  confirmLabel?: string;
  busyLabel?: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A row's inline confirmation (Delete? Yes, delete / Cancel), shown in place of its buttons. */
export function Confirm(props: ConfirmProps) {
  const { prompt = 'Delete?', confirmLabel = 'Yes, delete', busyLabel = 'Deleting…', busy } = props;
  return (
    <div class="confirm">
      <span>{prompt}</span>
      <button type="button" class="button danger small" onClick={() => props.onConfirm()} disabled={busy}>
        {busy ? busyLabel : confirmLabel}
      </button>
      <button type="button" class="button small" onClick={() => props.onCancel()}>
        Cancel
      </button>
    </div>
  );
}

/** A list page's table: its header row (plus a hidden "Actions" column for the row buttons) and rows. */
export function ListTable(props: { caption?: string; columns: string[]; children: ComponentChildren }) {
  return (
    <div class="card table-card">
      <table class="table">
        {props.caption && <caption class="visually-hidden">{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
