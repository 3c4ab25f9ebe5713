/**
 * Helpers to check that bench/reference/*_seed_verbatim.py hold the seeds' Python code
 * byte for byte: extract the ```python block of a seed document, and split the verbatim
 * file's header comment from the code.
 */

/** The body of the single ```python fenced block of a seed document. */
export function pythonBlock(text: string): string {
  const blocks = [...text.matchAll(/^```python[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)];
  if (blocks.length !== 1) throw new Error(`expected exactly one \`\`\`python block, found ${blocks.length}`);
  return blocks[0][1];
}

/** Split a verbatim file into its header (leading `#` lines, then one blank line) and code. */
export function splitHeader(text: string): { header: string[]; code: string } {
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length && lines[i].startsWith("#")) i++;
  if (i === 0 || lines[i] !== "") throw new Error("verbatim file must start with '#' header lines followed by one blank line");
  return { header: lines.slice(0, i), code: lines.slice(i + 1).join("\n") };
}
