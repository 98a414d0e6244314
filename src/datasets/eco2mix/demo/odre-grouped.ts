/**
 * The ODRÉ stand-in's answer to a grouped export (`/exports/json?select=…&group_by=…`): one JSON
 * object per group of rows, with the grouped fields and `count(field) as name` counts — the
 * aggregate the revised-days check asks for. `count(field)` counts the rows where the field holds a
 * value (an empty cell or `ND` is none), as ODSQL counts non-null values.
 */

const COUNT = /^count\(\s*([a-z_][a-z0-9_]*)\s*\)\s+as\s+([a-z_][a-z0-9_]*)$/i;
const FIELD = /^[a-z_][a-z0-9_]*$/i;

type Item =
  | { readonly kind: 'field'; readonly field: string }
  | { readonly kind: 'count'; readonly field: string; readonly name: string };

function itemsOf(select: string): Item[] | string {
  const items: Item[] = [];
  for (const raw of select.split(',')) {
    const text = raw.trim();
    const count = COUNT.exec(text);
    if (count) items.push({ kind: 'count', field: count[1] ?? '', name: count[2] ?? '' });
    else if (FIELD.test(text)) items.push({ kind: 'field', field: text });
    else return `the stand-in groups plain fields and count(field) as name only, not "${text}"`;
  }
  return items;
}

const present = (cell: string | undefined) => cell !== undefined && cell.trim() !== '' && cell.trim() !== 'ND';

/** The groups of `rows` (already filtered by `where`), or why the stand-in refuses the request. */
export function groupedExport(
  select: string | null,
  groupBy: string | null,
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): { json: unknown } | { refused: string } {
  const items = itemsOf(select ?? '');
  if (typeof items === 'string') return { refused: items };
  const keys = (groupBy ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const field of [...keys, ...items.map((i) => i.field)])
    if (!header.includes(field)) return { refused: `Unknown field: ${field}` };
  const plain = items.filter((i) => i.kind === 'field');
  if (plain.some((i) => !keys.includes(i.field))) return { refused: 'a selected field must be grouped by' };
  const groups = new Map<string, Record<string, string | number | null>>();
  for (const row of rows) {
    const values = keys.map((k) => row[header.indexOf(k)] ?? '');
    const id = JSON.stringify(values);
    let group = groups.get(id);
    if (!group) {
      group = {};
      for (const item of items) {
        if (item.kind === 'field') {
          const cell = row[header.indexOf(item.field)] ?? '';
          group[item.field] = cell === '' ? null : cell;
        } else group[item.name] = 0;
      }
      groups.set(id, group);
    }
    for (const item of items)
      if (item.kind === 'count' && present(row[header.indexOf(item.field)]))
        group[item.name] = Number(group[item.name] ?? 0) + 1;
  }
  return { json: [...groups.values()] };
}
