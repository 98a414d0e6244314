/** URLs made safe to log. */

/** A URL with any user:password removed, for logs and messages. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = parsed.password ? '[redacted]' : parsed.username;
      parsed.password = '';
    }
    return parsed.toString();
  } catch {
    return '[unparseable URL]';
  }
}
