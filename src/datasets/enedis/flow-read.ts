/**
 * One flow read into CSV lines: by the fast scan (`flow-scan.ts`) when it is sure of the file,
 * else again from its start by the reference reader (`flow-xml.ts`), which reads what the scan
 * could not or names the problem.
 *
 * - The lines are the same either way (the scan accepts only what the reference reader reads
 *   alike): the scan's lines not yet handed on are deleted, and the second read drops the lines
 *   the scan handed on in segments before it gave up.
 * - The file is read in a stream, in bounded memory, twice at most.
 */
import { rm } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { createFlowOutput, type FlowSegments } from './flow-output.js';
import { createFlowScanner } from './flow-scan.js';
import { createFlowReader, type FlowFileSummary } from './flow-xml.js';

/** The bytes of a flow, from its start, each time it is called. */
export type FlowBytes = () => AsyncIterable<Buffer>;

/**
 * Writes the lines of the flow `bytes` gives to files `{prefix}-{n}.csv` (see `flow-output.ts`),
 * in `segments` if given. `file` names the flow in errors. Throws BadDataError (line and column)
 * on malformed XML, a document type declaration, or a root that is not a known flow; errors of
 * `bytes` as they are.
 */
export async function readFlow(
  file: string,
  prefix: string,
  bytes: FlowBytes,
  segments?: FlowSegments,
): Promise<FlowFileSummary> {
  const fast = createFlowOutput(prefix, segments);
  const scanner = createFlowScanner(fast.emit);
  let sure = true;
  try {
    for await (const chunk of bytes()) {
      sure = scanner.write(chunk);
      if (!sure) break;
      await fast.chunkRead();
    }
  } catch (error) {
    await fast.close();
    throw error;
  }
  const summary = sure ? scanner.end() : null;
  const files = await fast.close();
  if (summary?.flow) return { flow: summary.flow, values: summary.values, events: summary.events, files };
  await Promise.all(files.map((written) => rm(written.path, { force: true })));

  const reader = createFlowReader(file, createFlowOutput(`${prefix}-x`, segments, fast.handed()));
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  try {
    let read = true;
    for await (const chunk of bytes()) {
      read = await reader.write(decoder.decode(chunk, { stream: true }));
      if (!read) break;
    }
    if (read) await reader.write(decoder.decode());
  } catch (error) {
    await reader.abort();
    throw error;
  }
  return reader.close();
}
