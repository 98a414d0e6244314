/** A name as the terminal may print it: with a control or format character, quoted and escaped. */
export function printable(name: string): string {
  return /[\p{Cc}\p{Cf}]/u.test(name) ? JSON.stringify(name) : name;
}
