/** The toy datasets' one variable: where their source is served. */
import { z } from 'zod';
import type { DatasetConfig } from '../../../src/datasets/contract.js';

export interface ToyConfig {
  readonly baseUrl: string;
}

export const toyConfig: DatasetConfig<ToyConfig> = {
  env: z.object({ TOY_BASE_URL: z.url().default('http://127.0.0.1:9/') }),
  read: (env) => ({ baseUrl: String(env.TOY_BASE_URL) }),
};
