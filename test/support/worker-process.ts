/** A `courant worker` in its own process, as operators run it, so that tests can kill it for real. */
import { startCourantProcess, type CourantProcess } from './courant-process.js';

export interface WorkerProcess extends Omit<CourantProcess, 'ready'> {
  /** Resolves once the worker logged that it is running. */
  readonly ready: Promise<void>;
}

export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const worker = startCourantProcess(['worker'], env, (output) => output.includes('"msg":"worker is running"'));
  return { ...worker, ready: worker.ready.then(() => undefined) };
}
