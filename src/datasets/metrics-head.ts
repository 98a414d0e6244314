/** The fields every metrics document starts with, for each dataset's metrics schema. */
import { z } from 'zod';

/** `dataset` (its name), `date` (the Paris day) and `timezone`, as every metrics document has them. */
export function metricsHead<const TName extends string>(dataset: TName) {
  return {
    dataset: z.literal(dataset),
    date: z.iso.date(),
    timezone: z.literal('Europe/Paris'),
  };
}
