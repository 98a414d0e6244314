import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { boundHeapGrowth } from '../../src/workers/heap-growth.js';

describe('boundHeapGrowth', () => {
  it("sets V8's heap growth to the configured percent", () => {
    const set: string[] = [];
    expect(boundHeapGrowth(50, (flags) => set.push(flags))).toBe('--heap-growing-percent=50');
    expect(set).toEqual(['--heap-growing-percent=50']);
  });

  it("gives V8 back its own rule at 0 (the flag's default), whatever was set before", () => {
    const set: string[] = [];
    boundHeapGrowth(100, (flags) => set.push(flags));
    boundHeapGrowth(0, (flags) => set.push(flags));
    expect(set).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });
});

describe('WORKER_HEAP_GROWTH_PERCENT', () => {
  it('defaults to 100 and refuses what is not a whole percent from 0 to 300', () => {
    expect(loadConfig({}, []).workerHeapGrowthPercent).toBe(100);
    expect(loadConfig({ WORKER_HEAP_GROWTH_PERCENT: '0' }, []).workerHeapGrowthPercent).toBe(0);
    for (const value of ['-1', '301', '12.5', 'half'])
      expect(() => loadConfig({ WORKER_HEAP_GROWTH_PERCENT: value }, [])).toThrow(/WORKER_HEAP_GROWTH_PERCENT/);
  });
});
