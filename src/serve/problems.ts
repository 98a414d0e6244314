/**
 * Errors as JSON problems (RFC 9457): `type`, `title`, `status`, a one-line `detail`, never a stack
 * trace. Every refusal of the console goes through here.
 */
import { z } from 'zod';

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
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
  431: 'Request header fields too large',
  500: 'Internal error',
  501: 'Not implemented',
  503: 'Storage unavailable',
};

/** When each refusal of the API happens, as its OpenAPI document says. */
const WHEN: Record<number, string> = {
  400: 'a parameter is refused: its reason in `detail`',
  401: 'no bearer token, or not one this server accepts (when tokens are required)',
  404: 'nothing is stored for the request',
  414: 'the URL is longer than the server takes',
  429: 'too many requests from this client: retry after the seconds of `Retry-After`',
  431: 'the request line and headers are larger than the server takes',
  500: 'the request failed on the server; its log has the cause',
  503: 'a store cannot be reached: retry shortly',
};

/** Every refusal an API route may answer, each an `application/problem+json` problem, for its route schema. */
export function problemResponses() {
  return Object.fromEntries(
    Object.entries(WHEN).map(([status, description]) => [
      status,
      { description, content: { 'application/problem+json': { schema: problemSchema } } },
    ]),
  );
}

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
