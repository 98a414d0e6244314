/** Walking an error and its causes, for classification and for messages that keep every reason. */

/** The error and each `cause` under it, outermost first; stops at a cycle or after 10 levels. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < 10 && !chain.includes(current)) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/** A Node.js system error's fields (`code`, `path`, `syscall`) when the value has them. */
export interface SystemErrorFields {
  readonly code: string;
  readonly path?: string;
  readonly syscall?: string;
}

export function systemErrorFields(value: unknown): SystemErrorFields | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { code, path, syscall } = value as Record<string, unknown>;
  if (typeof code !== 'string') return undefined;
  return {
    code,
    ...(typeof path === 'string' ? { path } : {}),
    ...(typeof syscall === 'string' ? { syscall } : {}),
  };
}

/** One line per level: "message" then "  caused by: message" for each cause with its own text. */
export function describeWithCauses(error: unknown): string {
  const lines: string[] = [];
  for (const level of causeChain(error)) {
    const text = level instanceof Error ? level.message : String(level);
    if (text === '' || lines.some((line) => line.includes(text))) continue;
    lines.push(lines.length === 0 ? text : `  caused by: ${text}`);
  }
  return lines.join('\n');
}
