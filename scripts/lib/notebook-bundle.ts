import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { zipDirectoryAtomically as zipTo } from "./zip-directory";

/** What the notebook instance receives: the helper package and the notebooks. */
function bundleFiles(projectDir: string): string[] {
  const root = join(projectDir, "scripts", "python");
  const pick = (dir: string, keep: (name: string) => boolean): string[] =>
    readdirSync(join(root, dir))
      .filter((name) => keep(name) && statSync(join(root, dir, name)).isFile())
      .sort()
      .map((name) => join(root, dir, name));
  return [
    join(root, "pyproject.toml"),
    join(root, "README.md"),
    ...pick("proximate", (name) => name.endsWith(".py") || name === "py.typed"),
    ...pick("notebooks", (name) => name.endsWith(".ipynb")),
  ];
}

/**
 * Stages the notebook bundle (the `proximate` helper package with its pyproject, and the
 * notebooks) in `.gen/notebook/<content hash>/` and zips it to `.gen/notebook/<content hash>.zip`,
 * unless both exist for the same files. Returns the zip (the notebook instance's asset).
 */
export function ensureNotebookBundle(projectDir: string): string {
  const root = join(projectDir, "scripts", "python");
  const files = bundleFiles(projectDir);
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(relative(root, file)).update(readFileSync(file));
  }
  const dir = join(projectDir, ".gen", "notebook", hash.digest("hex").slice(0, 16));
  const archive = `${dir}.zip`;
  if (existsSync(archive)) {
    return archive;
  }
  if (existsSync(dir)) {
    return zipTo(dir, archive);
  }
  const staging = `${dir}.${process.pid}.tmp`;
  for (const file of files) {
    const target = join(staging, relative(root, file));
    mkdirSync(join(target, ".."), { recursive: true });
    copyFileSync(file, target);
  }
  if (!existsSync(dir)) {
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!existsSync(dir)) {
        throw error;
      }
    }
  }
  return zipTo(dir, archive);
}

