/** A workflow failure as text for a terminal: each message of the cause chain, outermost first. */
export function failureChain(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && lines.length < 8) {
    const type = 'type' in current && typeof current.type === 'string' ? ` [${current.type}]` : '';
    lines.push(`${current.name}${type}: ${current.message}`);
    current = current.cause;
  }
  return lines.map((line, i) => `${'  '.repeat(i)}${i > 0 ? 'caused by ' : ''}${line}`).join('\n');
}
