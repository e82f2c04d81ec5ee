/** A bad argument detected inside a command's action (exit code 2, message names the argument). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
