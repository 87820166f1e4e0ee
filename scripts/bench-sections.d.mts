/** Replaces (or appends) the section `name` of the markdown file at `path`. */
export function writeSection(path: string, name: string, markdown: string): void;
