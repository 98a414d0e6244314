/**
 * Errors as JSON problems (RFC 9457): `type`, `title`, `status`, a one-line `detail`, never a stack
 * trace. Every refusal of the console goes through here.
 */
import { z } from 'zod';

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
});
export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Payload too large',
  414: 'URI too long',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Storage unavailable',
};

/** A problem of `status`, its `kind` naming the refusal (`invalid-parameter`, `storage-unavailable`…). */
export function problem(status: number, kind: string, detail: string): Problem {
  const line = detail.split('\n')[0] ?? detail;
  return { type: `urn:courant:problem:${kind}`, title: TITLES[status] ?? 'Error', status, detail: line.slice(0, 500) };
}

/** An error a route throws to answer with a problem. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly problem: Problem,
    options?: { cause?: unknown },
  ) {
    super(problem.detail, options);
  }
}
