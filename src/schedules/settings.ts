/** The daily schedule's settings: code defaults, overridable by SCHEDULE_* variables (zod-checked). */
import { z } from 'zod';
import type { ScheduleOverlapPolicy } from '@temporalio/client';

export interface DailyScheduleSettings {
  readonly scheduleId: string;
  readonly hour: number;
  readonly minute: number;
  readonly timezone: string;
  readonly catchupWindowHours: number;
  readonly overlap: Exclude<ScheduleOverlapPolicy, undefined>;
  readonly taskQueue: string;
}

const OVERLAPS = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'] as const;

const scheduleEnvSchema = z.object({
  SCHEDULE_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)
    .default('courant-daily'),
  SCHEDULE_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be HH:MM, e.g. 07:00' })
    .default('07:00'),
  SCHEDULE_TIMEZONE: z
    .string()
    .refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', {
      message: 'must be an IANA time zone',
    })
    .default('Europe/Paris'),
  SCHEDULE_CATCHUP_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 7),
  // Each run is a different day and a day's runs share one workflow ID, so overlapping runs are safe.
  SCHEDULE_OVERLAP: z.enum(OVERLAPS).default('ALLOW_ALL'),
});

export const SCHEDULE_VARIABLES = Object.keys(scheduleEnvSchema.shape);

/** Parses the schedule variables; problems are returned with the variable named. */
export function loadScheduleSettings(
  env: Readonly<Record<string, string | undefined>>,
  taskQueue: string,
): { ok: true; settings: DailyScheduleSettings } | { ok: false; problems: string[] } {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('SCHEDULE_') && v !== ''));
  const parsed = scheduleEnvSchema.safeParse(present);
  if (!parsed.success)
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const [hour, minute] = parsed.data.SCHEDULE_TIME.split(':').map(Number) as [number, number];
  return {
    ok: true,
    settings: {
      scheduleId: parsed.data.SCHEDULE_ID,
      hour,
      minute,
      timezone: parsed.data.SCHEDULE_TIMEZONE,
      catchupWindowHours: parsed.data.SCHEDULE_CATCHUP_HOURS,
      overlap: parsed.data.SCHEDULE_OVERLAP,
      taskQueue,
    },
  };
}
