import { Biome } from "@biomejs/js-api/nodejs";

let biome: { instance: Biome; projectKey: number } | undefined;

/**
 * Formats generated TypeScript with the same formatter settings as the repository, in process,
 * so the output is byte-identical on every machine.
 */
export function formatTypeScript(content: string, filePath: string): string {
  if (!biome) {
    const instance = new Biome();
    const { projectKey } = instance.openProject(process.cwd());
    instance.applyConfiguration(projectKey, {
      formatter: { enabled: true, indentStyle: "space", indentWidth: 2, lineWidth: 100 },
      javascript: { formatter: { quoteStyle: "double", semicolons: "always" } },
    });
    biome = { instance, projectKey };
  }
  const result = biome.instance.formatContent(biome.projectKey, content, { filePath });
  const errors = result.diagnostics.filter((d) => d.severity === "error" || d.severity === "fatal");
  if (errors.length > 0) {
    throw new Error(
      `${filePath}: generated code does not parse: ${errors.map((d) => JSON.stringify(d.description)).join("; ")}`,
    );
  }
  return result.content;
}
