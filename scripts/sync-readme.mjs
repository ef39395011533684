// Copies each test region marked `<!-- snippet: FILE#REGION -->` in README.md into the code block that
// follows the marker. test/readme/snippets.test.ts fails when they differ; this script mends that.
import { readFileSync, writeFileSync } from "node:fs";

function region(file, name) {
  const text = readFileSync(file, "utf8");
  const match = new RegExp(`// #region ${name}\\n([\\s\\S]*?)\\n\\s*// #endregion ${name}`).exec(text);
  if (!match) throw new Error(`No region ${name} in ${file}`);
  const lines = match[1].split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)[0].length));
  return lines.map((l) => l.slice(indent)).join("\n") + "\n";
}

const readme = readFileSync("README.md", "utf8");
const synced = readme.replace(
  /(<!-- snippet: (\S+)#(\S+) -->\s*```\w*\n)([\s\S]*?)```/g,
  (_all, head, file, name) => `${head}${region(file, name)}\`\`\``,
);
writeFileSync("README.md", synced);
