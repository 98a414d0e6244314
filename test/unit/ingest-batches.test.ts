/**
 * A batch of inbox files (a round of the SFTP pickup): its input is checked wherever it comes from,
 * and its ID is named by its files' keys, whatever their order.
 */
import { describe, expect, it } from 'vitest';
import { checkIngestFilesInput, InvalidInputError } from '../../src/workflow-safe/inputs.js';
import { workflowIds } from '../../src/workflow-safe/keys.js';

const a = 'inbox/enedis/0123456789abcdef-R151_a.zip';
const b = 'inbox/enedis/fedcba9876543210-R151 b.zip';

describe('a batch of inbox files', () => {
  it('is named by its keys, in any order, and by nothing else', () => {
    expect(workflowIds.ingestBatch('enedis', [a, b])).toMatch(/^ingest-batch\/enedis\/[0-9a-f]{16}$/);
    expect(workflowIds.ingestBatch('enedis', [b, a])).toBe(workflowIds.ingestBatch('enedis', [a, b]));
    expect(workflowIds.ingestBatch('enedis', [a])).not.toBe(workflowIds.ingestBatch('enedis', [a, b]));
    expect(workflowIds.ingestBatch('enedis', [a.replace('0123', '0124'), b])).not.toBe(
      workflowIds.ingestBatch('enedis', [a, b]),
    );
  });

  it('takes files of its dataset’s inbox, each once, with the names they were delivered under', () => {
    expect(
      checkIngestFilesInput({ dataset: 'enedis', files: [{ inboxKey: a, name: 'R151 a.zip' }, { inboxKey: b }] }),
    ).toEqual({
      dataset: 'enedis',
      files: [{ inboxKey: a, name: 'R151 a.zip' }, { inboxKey: b }],
    });
    for (const files of [
      [],
      [{ inboxKey: a }, { inboxKey: a }],
      [{ inboxKey: 'inbox/smartmeter/x.csv' }],
      [{ inboxKey: 'inbox/enedis/../raw/x' }],
      [{ inboxKey: a, name: 7 }],
      'not a list',
    ])
      expect(() => checkIngestFilesInput({ dataset: 'enedis', files })).toThrow(InvalidInputError);
  });
});
