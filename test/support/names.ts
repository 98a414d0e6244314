import { randomUUID } from 'node:crypto';

/** A name no other test uses: databases, task queues, workflow IDs. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}
