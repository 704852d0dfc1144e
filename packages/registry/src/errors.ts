/**
 * One error type for the registry layer. Recognised by its `name` brand, not `instanceof`,
 * so two copies of this package in one process still agree on what a RegistryError is.
 */
export type RegistryErrorCode =
  | 'invalid_package' // package.json unreadable or its `synchub` key malformed
  | 'invalid_definition' // the entry's default export is not a connector definition
  | 'contract_mismatch' // built for another connector contract version
  | 'duplicate_id' // two packages declare the same connector id
  | 'import_failed' // importing the entry threw
  | 'unknown_connector'; // asked for an id nobody declared

export interface RegistryErrorOptions {
  cause?: unknown;
  /** The plugin package at fault, when there is one. */
  packageName?: string | undefined;
  /** For `unknown_connector`: the ids that do exist, so callers can list them. */
  knownIds?: readonly string[] | undefined;
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError' as const;
  readonly code: RegistryErrorCode;
  readonly packageName: string | undefined;
  readonly knownIds: readonly string[] | undefined;

  constructor(code: RegistryErrorCode, message: string, options: RegistryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.packageName = options.packageName;
    this.knownIds = options.knownIds;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      packageName: this.packageName,
      knownIds: this.knownIds,
    };
  }
}

export function isRegistryError(value: unknown): value is RegistryError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'RegistryError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** Message of anything thrown, for error texts (an import can throw a non-Error). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
