/**
 * deploy/prometheus/courant-rules.yml passes `promtool check rules`, and its unit tests
 * (courant-rules.test.yml: the lateness, SFTP and workflow task alerts) pass `promtool test rules`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { prometheusTool, RULES_DIR, RULES_FILE } from './promtool.js';

const run = promisify(execFile);

const rulesSchema = z.object({
  groups: z.array(z.object({ name: z.string(), rules: z.array(z.object({ alert: z.string(), expr: z.string() })) })),
});

describe('the alerting rules', () => {
  it('pass promtool check rules, and alert on lateness, failed days, fallback reads, outputs missing, a worker down, a waiting SFTP delivery and a failing workflow task', async () => {
    const { stdout } = await run(prometheusTool('promtool'), ['check', 'rules', RULES_FILE]);
    expect(stdout).toContain('SUCCESS: 7 rules found');
    const rules = rulesSchema.parse(parse(await readFile(RULES_FILE, 'utf8')));
    expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual([
      'CourantDatasetLate',
      'CourantDayFailed',
      'CourantFallbackReads',
      'CourantOutputsMissing',
      'CourantWorkerDown',
      'CourantSftpDeliveryWaiting',
      'CourantWorkflowTaskFailing',
    ]);
  });

  it('fire the lateness and SFTP alerts only once past their limits for 15 minutes, per the freshest worker, and the task alert on a task failing again', async () => {
    const result = await run(prometheusTool('promtool'), ['test', 'rules', 'courant-rules.test.yml'], {
      cwd: RULES_DIR,
    }).catch((error: unknown) => {
      const failed = z.object({ stdout: z.string(), stderr: z.string() }).safeParse(error);
      throw new Error(
        `promtool test rules failed:\n${failed.success ? failed.data.stdout + failed.data.stderr : String(error)}`,
      );
    });
    expect(result.stdout).toContain('SUCCESS');
  });
});
