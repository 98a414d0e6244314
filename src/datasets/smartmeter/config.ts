/** The smart-meter dataset's own variables: the interval of files in the generic shape, when a day's files are due. */
import { z } from 'zod';
import type { DatasetConfig } from '../contract.js';

export interface SmartMeterConfig {
  /** Minutes between readings of the generic shape `meter_id,timestamp,kwh` (other shapes know theirs). */
  readonly stepMinutes: number;
  /** Hours after the end of a Paris day by which its files are expected; null: never late. */
  readonly dueHours: number | null;
}

const STEPS = [1, 5, 10, 15, 30, 60] as const;

export const smartMeterConfig: DatasetConfig<SmartMeterConfig> = {
  env: z.object({
    SMARTMETER_STEP_MINUTES: z.coerce
      .number()
      .refine((n) => (STEPS as readonly number[]).includes(n), { message: `must be one of ${STEPS.join(', ')}` })
      .default(30),
    SMARTMETER_DUE_HOURS: z
      .string()
      .regex(/^(\d{1,3})?$/, { message: 'must be a whole number of hours (at most 999), or empty' })
      .default(''),
  }),
  read: (env) => ({
    stepMinutes: Number(env.SMARTMETER_STEP_MINUTES),
    dueHours:
      env.SMARTMETER_DUE_HOURS === '' || env.SMARTMETER_DUE_HOURS === undefined
        ? null
        : Number(env.SMARTMETER_DUE_HOURS),
  }),
};
