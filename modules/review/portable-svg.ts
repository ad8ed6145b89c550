/**
 * Makes an SVG from beautiful-mermaid render the same everywhere. Its output styles every shape
 * through CSS custom properties derived with `color-mix()` in a `<style>` block, sets the
 * background in a `style` attribute and imports a web font: renderers without those CSS
 * features (rsvg-convert, GitHub's image proxy, most editors) paint every shape black, and the
 * font needs the network. This resolves every `var(--x)` to a plain hex colour, draws the
 * background as a rect, drops the `<style>` block and the import, and names a generic font
 * family, so what is left is plain SVG presentation attributes.
 */

/** Constructs that must not remain in a portable SVG (checked by {@link portabilityProblems}). */
export const FORBIDDEN: readonly [string, RegExp][] = [
  ["CSS variable", /var\(--/],
  ["CSS custom property", /--[A-Za-z_][\w-]*\s*:/],
  ["color-mix()", /color-mix\(/],
  ["<style> block", /<style[\s>]/],
  ["style attribute", /\sstyle="/],
  ["@import", /@import/],
  ["@font-face", /@font-face/],
  ["web font URL", /https?:\/\/(?!www\.w3\.org\/)/],
];

/** The generic font family the portable SVG names (resolved by every renderer to a local font). */
export const PORTABLE_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

type Rgb = [number, number, number];

function parseHex(value: string): Rgb {
  const hex = value.trim().replace(/^#/, "");
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex;
  if (!/^[0-9a-fA-F]{6}$/.test(full)) {
    throw new Error(`portable-svg: not a #rrggbb colour: ${value}`);
  }
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("").toUpperCase()}`;
}

/** Splits `a, b` at the top-level comma (not inside parentheses). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") {
      depth++;
    } else if (c === ")") {
      depth--;
    } else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** Resolves a CSS value made of hex colours, `var()` and `color-mix(in srgb, ...)` to a hex colour. */
export function resolveColour(value: string, vars: ReadonlyMap<string, string>, seen: ReadonlySet<string> = new Set()): string {
  const text = value.trim();
  if (text.startsWith("#")) {
    return toHex(parseHex(text));
  }
  const call = /^([a-z-]+)\((.*)\)$/s.exec(text);
  if (call === null) {
    throw new Error(`portable-svg: cannot resolve colour "${text}"`);
  }
  const [, fn, inner] = call;
  if (fn === "var") {
    const [name, fallback] = splitTopLevel(inner);
    const own = vars.get(name);
    if (own !== undefined && !seen.has(name)) {
      return resolveColour(own, vars, new Set([...seen, name]));
    }
    if (fallback !== undefined) {
      return resolveColour(fallback, vars, seen);
    }
    throw new Error(`portable-svg: ${name} is not defined`);
  }
  if (fn === "color-mix") {
    const [space, first, second] = splitTopLevel(inner);
    if (space !== "in srgb") {
      throw new Error(`portable-svg: color-mix ${space} is not supported (only in srgb)`);
    }
    const weighted = (part: string): [string, number | undefined] => {
      const match = /^(.*?)(?:\s+(\d+(?:\.\d+)?)%)?$/s.exec(part) as RegExpExecArray;
      return [match[1], match[2] === undefined ? undefined : Number(match[2]) / 100];
    };
    const [a, pa] = weighted(first);
    const [b, pb] = weighted(second);
    const wa = pa ?? (pb === undefined ? 0.5 : 1 - pb);
    const wb = pb ?? 1 - wa;
    const ca = parseHex(resolveColour(a, vars, seen));
    const cb = parseHex(resolveColour(b, vars, seen));
    return toHex([0, 1, 2].map((i) => (ca[i] * wa + cb[i] * wb) / (wa + wb)) as Rgb);
  }
  throw new Error(`portable-svg: cannot resolve colour function ${fn}()`);
}

/** Custom properties declared in a CSS text (`--name: value;`). */
function declarations(css: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of css.matchAll(/(--[\w-]+)\s*:\s*([^;]+);?/g)) {
    found.set(match[1], match[2].replace(/\/\*.*?\*\//gs, "").trim());
  }
  return found;
}

/** The portable form of a beautiful-mermaid SVG (see the module comment). */
export function portableSvg(svg: string, font: string = PORTABLE_FONT): string {
  const root = /<svg\b[^>]*>/.exec(svg);
  if (root === null) {
    throw new Error("portable-svg: no <svg> element");
  }
  const rootStyle = /\sstyle="([^"]*)"/.exec(root[0])?.[1] ?? "";
  const styleBlock = /<style>([\s\S]*?)<\/style>/.exec(svg)?.[1] ?? "";
  const vars = new Map([...declarations(styleBlock), ...declarations(rootStyle)]);
  const background = /background:\s*([^;]+)/.exec(rootStyle)?.[1];
  const viewBox = /viewBox="([^"]+)"/.exec(root[0])?.[1].split(/\s+/).map(Number);

  let body = svg.slice(root.index + root[0].length);
  body = body.replace(/\s*<style>[\s\S]*?<\/style>/, "");
  body = body.replace(/var\(--[\w-]+\)/g, (expression) => resolveColour(expression, vars));
  const openTag = root[0]
    .replace(/\sstyle="[^"]*"/, "")
    .replace(/\sfont-family="[^"]*"/, "")
    .replace(/\s*\/?>$/, (end) => ` font-family="${font}"${end.trim() === "/>" ? " />" : ">"}`);
  const backdrop =
    background !== undefined && viewBox !== undefined && viewBox.length === 4
      ? `\n<rect x="${viewBox[0]}" y="${viewBox[1]}" width="${viewBox[2]}" height="${viewBox[3]}" fill="${resolveColour(background, vars)}" />`
      : "";
  return `${svg.slice(0, root.index)}${openTag}${backdrop}${body}`;
}

/** What keeps an SVG from rendering the same everywhere; empty when it is portable. */
export function portabilityProblems(svg: string): string[] {
  return FORBIDDEN.filter(([, pattern]) => pattern.test(svg)).map(([what, pattern]) => `${what} (${pattern.source}): ${pattern.exec(svg)?.[0]}`);
}
