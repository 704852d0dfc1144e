import { FieldList } from './field-value.js';
import { Time } from './time.js';
import type { LastCheck } from '../types.js';

/** The last validation of a connection: never / ok with summary and details / failed with code and message. */
export function CheckStatus({ check }: { check: LastCheck | null }) {
  if (!check) return <span class="badge neutral">Never validated</span>;
  const when = (
    <span class="muted small">
      checked <Time at={new Date(check.at).getTime()} seconds={false} />
    </span>
  );
  if (check.ok) {
    const details = Object.entries(check.details ?? {}).slice(0, 6);
    return (
      <div class="check">
        <div class="check-head">
          <span class="badge ok">OK</span> {when}
        </div>
        <p class="check-summary">{check.summary}</p>
        {details.length > 0 && <FieldList fields={Object.fromEntries(details)} />}
      </div>
    );
  }
  return (
    <div class="check">
      <div class="check-head">
        <span class="badge failed">Failed</span> <code class="code">{check.error.code}</code>
        {check.error.vendorCode && <code class="code">{check.error.vendorCode}</code>} {when}
      </div>
      <p class="check-summary error-text">{check.error.message}</p>
    </div>
  );
}
