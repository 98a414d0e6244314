/**
 * The reference reader of Enedis flow files (R151, C15, R15): the XML is read with a general
 * SAX parser (saxes), in bounded memory whatever the file's size, its elements going to the flow's
 * sink (`flow-sink.ts`). The fast scan (`flow-scan.ts`) reads the flows it can be sure of; this
 * reader reads the others, and names the problem of a flow that cannot be read.
 *
 * - A document type declaration is refused: entities are never expanded (no XML bomb).
 * - Malformed XML fails the file naming the line and column.
 * - Bounds (`MAX_FIELD_CHARS`, `MAX_TEXT_CHARS`): a field longer than its bound is written cut
 *   (its start and its length), so that its value is rejected naming its line and element while
 *   the file goes on; a run of text without markup longer than its bound refuses the file at once.
 */
import { SaxesParser } from 'saxes';
import { BadDataError } from '../../workflow-safe/errors.js';
import type { BucketFile } from './day-buckets.js';
import type { FlowOutput } from './flow-output.js';
import { createFlowSink } from './flow-sink.js';
import type { Flow } from './flow-values.js';

/**
 * The longest field kept as it is (characters). The longest text of the real flows we hold is 66
 * characters (a header's description); a PRM is 14, a timestamp with its offset 25.
 */
export const MAX_FIELD_CHARS = 1024;

/**
 * The longest run of characters without markup (`<`) read before the file is refused: a text node,
 * a comment or whitespace this long is no flow, and the parser would hold it whole in memory.
 */
export const MAX_TEXT_CHARS = 16 * 1024 * 1024;

/** A field past `MAX_FIELD_CHARS` as written: its first characters and its length (the checks then reject it). */
function cutField(text: string, length: number): string {
  return `${text.slice(0, 32)}… (${length} characters, more than the ${MAX_FIELD_CHARS} a field may hold)`;
}

export interface FlowFileSummary {
  readonly flow: Flow;
  /** Index values written. */
  readonly values: number;
  /** C15 contract events written (their lines are among the files' lines). */
  readonly events: number;
  /** The CSV files written since the last segment handed on (all of them without segments), in the order of their reading dates. */
  readonly files: readonly BucketFile[];
}

/** A flow read chunk by chunk: text goes in, its index values are written as CSV lines. */
export interface FlowReader {
  /**
   * Reads the next chunk of text; resolves once its values are written, to false when the flow is
   * known to be bad (nothing more is read: `close` names the problem).
   */
  write(chunk: string): Promise<boolean>;
  /** Ends the flow. Throws BadDataError (line and column) when it was malformed or not a known flow. */
  close(): Promise<FlowFileSummary>;
  /** Ends the output without a result (the input could not be read). */
  abort(): Promise<void>;
}

/**
 * A reader writing the lines of one flow to `output`. `file` names the flow in errors. Malformed
 * XML, a document type declaration, or a root that is not a known flow make `close` throw
 * BadDataError naming the line and column.
 */
export function createFlowReader(file: string, output: FlowOutput): FlowReader {
  const parser = new SaxesParser({ position: true });
  let text = '';
  /** The characters of the element's text, of which `text` keeps the first `MAX_FIELD_CHARS` + 1. */
  let textLength = 0;
  /** Characters read since the last `<`, and the line where that run started. */
  let sinceMarkup = 0;
  let runLine = 1;
  /** The first problem met; parsing stops there. */
  const failures: BadDataError[] = [];
  const fail = (problem: string) => {
    failures.push(new BadDataError({ file, line: parser.line, column: String(parser.column) }, problem));
  };
  const sink = createFlowSink(
    {
      line: () => parser.line,
      content: () => (textLength > MAX_FIELD_CHARS ? cutField(text.trim(), textLength) : text.trim()),
      fail,
    },
    output.emit,
  );
  parser.on('error', (error) => fail(`not well-formed XML: ${error.message.replace(/^[^:]*:\d+:\d+: /, '')}`));
  parser.on('doctype', () => fail('a document type declaration is refused (entities are never expanded)'));
  parser.on('opentag', (tag) => {
    text = '';
    textLength = 0;
    sink.open(tag.name);
  });
  parser.on('text', (chunk) => {
    if (textLength <= MAX_FIELD_CHARS) text += chunk.slice(0, MAX_FIELD_CHARS + 1 - text.length);
    textLength += chunk.length;
  });
  parser.on('closetag', () => {
    sink.close();
    text = '';
    textLength = 0;
  });

  return {
    async write(chunk) {
      if (failures.length > 0) return false;
      const markup = chunk.indexOf('<');
      const run = sinceMarkup + (markup < 0 ? chunk.length : markup);
      if (run > MAX_TEXT_CHARS) {
        const { stack } = sink;
        failures.push(
          new BadDataError(
            { file, line: runLine },
            `more than ${MAX_TEXT_CHARS} characters without markup from this line on` +
              `${stack.length > 0 ? ` (in ${stack.join('/')})` : ''}: no flow holds a text this long`,
          ),
        );
        return false;
      }
      parser.write(chunk);
      if (markup >= 0) {
        sinceMarkup = chunk.length - chunk.lastIndexOf('<') - 1;
        runLine = parser.line;
      } else sinceMarkup = run;
      if (failures.length > 0) return false;
      // The lines read from this chunk are written before the next one is parsed (backpressure).
      await output.chunkRead();
      return true;
    },
    async close() {
      let files: BucketFile[];
      try {
        if (failures.length === 0) parser.close();
      } finally {
        files = await output.close();
      }
      const [failure] = failures;
      if (failure) throw failure;
      const { flow, values, events } = sink.summary();
      if (!flow) throw new BadDataError({ file }, 'the file holds no XML element');
      return { flow, values, events, files };
    },
    async abort() {
      await output.close();
    },
  };
}
