// BENCHMARKS.md is written by several benchmark runs (tracker, instrumentation, API); each owns one section
// between markers and replaces only that section, so re-running one never drops another's figures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const start = (name) => `<!-- bench:${name}:start -->`;
const end = (name) => `<!-- bench:${name}:end -->`;

/** Replaces (or appends) the section `name` of the markdown file at `path`. */
export function writeSection(path, name, markdown) {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const block = `${start(name)}\n${markdown.trimEnd()}\n${end(name)}\n`;
  const from = text.indexOf(start(name));
  const to = text.indexOf(end(name));
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${block}${text.slice(to + end(name).length + 1)}`
      : `${text}${text && !text.endsWith('\n') ? '\n' : ''}${text ? '\n' : ''}${block}`;
  writeFileSync(path, next);
}
