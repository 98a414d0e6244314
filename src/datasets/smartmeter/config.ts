/** The smart-meter dataset's own variable: the interval of files in the generic shape. */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';

export interface SmartMeterConfig {
  /** Minutes between readings of the generic shape `meter_id,timestamp,kwh` (other shapes know theirs). */
  readonly stepMinutes: number;
}

const STEPS = [1, 5, 10, 15, 30, 60] as const;

export const smartMeterConfig: DatasetConfig<SmartMeterConfig> = {
  env: z.object({
    SMARTMETER_STEP_MINUTES: z.coerce
      .number()
      .refine((n) => (STEPS as readonly number[]).includes(n), { message: `must be one of ${STEPS.join(', ')}` })
      .default(30),
  }),
  read: (env) => ({ stepMinutes: Number(env.SMARTMETER_STEP_MINUTES) }),
};
