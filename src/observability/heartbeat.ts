import fs from 'node:fs';
import path from 'node:path';
import { scrubValue } from './redact';

/**
 * Write the heartbeat file atomically (temp file + rename), so a monitor never reads half a file.
 * The content is scrubbed of secrets as a last line of defence; it is built from status data that holds none.
 */
export function writeHeartbeat(file: string, data: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(scrubValue(data), null, 2) + '\n');
  fs.renameSync(tmp, file);
}
