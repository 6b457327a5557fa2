// Roadmaps as YAML files, the same format as content/roadmaps/*.yaml: downloaded from the editor,
// imported from the author list. The YAML library loads only when one of them is used.
import type { Source } from './model.ts';

export async function downloadYaml(doc: Source) {
  const { stringify } = await import('yaml');
  const url = URL.createObjectURL(new Blob([stringify(doc)], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${doc.slug}.yaml`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The file's document, or an Error saying in words why it is not one. */
export async function readYaml(file: File): Promise<Source> {
  const { parse } = await import('yaml');
  let value: unknown;
  try {
    value = parse(await file.text());
  } catch (err) {
    throw new Error(`${file.name} is not readable YAML: ${(err as Error).message.split('\n')[0]}`, {
      cause: err,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${file.name} does not hold a roadmap (expected fields such as slug, title and layers).`);
  // The server checks every field and lists each problem; nothing more is assumed here.
  return value as Source;
}
