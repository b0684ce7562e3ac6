/**
 * A configuration value is invalid. Every component's options throw this one error, so that `tributary up` can say
 * which flag, environment variable or config file entry set the value (src/app/config.ts).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The option as a config file spells it: `port`, `lambda.accountConcurrency`, `mappings.retryMaxMs`. */
  readonly field: string;
  /** What it must be, one line for the operator: `must be a positive integer`. */
  readonly why: string;

  constructor(field: string, why: string) {
    super(`Invalid option ${field}: ${why}`);
    this.field = field;
    this.why = why;
  }
}
