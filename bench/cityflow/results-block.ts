/**
 * Writes a bench's block (`### …`) inside the "## Cityflow" section of RESULTS.md: replaces the
 * block when it is there, else adds it at the section's end (the section too, if absent), and
 * leaves the rest of the file as it is — so that each cityflow bench can be run alone.
 */
import { readFile, writeFile } from 'node:fs/promises';

const SECTION = '## Cityflow';

/** `block` starts with its heading line (`### …`). */
export async function writeCityflowBlock(file: string, block: string): Promise<void> {
  const heading = block.slice(0, block.indexOf('\n'));
  const text = await readFile(file, 'utf8').catch(() => '');
  const section = text.indexOf(`${SECTION}\n`);
  if (section < 0) return writeFile(file, `${text.trimEnd()}\n\n${SECTION}\n\n${block}`);
  const sectionEnd = text.indexOf('\n## ', section + SECTION.length);
  const limit = sectionEnd < 0 ? text.length : sectionEnd + 1;
  const start = text.indexOf(`${heading}\n`, section);
  if (start >= 0 && start < limit) {
    const next = text.slice(start + heading.length).search(/\n##+ /);
    const end = next < 0 ? text.length : start + heading.length + next + 1;
    return writeFile(file, `${text.slice(0, start)}${block}${text.slice(end)}`);
  }
  return writeFile(
    file,
    `${text.slice(0, limit).trimEnd()}\n\n${block}${limit < text.length ? '\n' : ''}${text.slice(limit)}`,
  );
}
