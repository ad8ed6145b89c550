import { deflateSync } from "node:zlib";
import { portabilityProblems, portableSvg, PORTABLE_FONT, resolveColour } from "../../../modules/review/portable-svg";
import { decodePng, renderingDifferences, renderStats } from "../../../modules/review/render-compare";

/** The shape of beautiful-mermaid's output: variables on the root, derived ones in a <style>. */
const RAW = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100" width="200" height="100" style="--bg:#FFFFFF;--fg:#27272A;background:var(--bg)">
<style>
  @import url('https://fonts.googleapis.com/css2?family=Inter:wght@400;500;600;700&amp;display=swap');
  text { font-family: 'Inter', system-ui, sans-serif; }
  svg {
    /* Derived from --bg and --fg */
    --_text:          var(--fg);
    --_line:          var(--line, color-mix(in srgb, var(--fg) 50%, var(--bg)));
    --_node-fill:     var(--surface, color-mix(in srgb, var(--fg) 3%, var(--bg)));
  }
</style>
<rect x="10" y="10" width="80" height="40" fill="var(--_node-fill)" stroke="var(--_line)" />
<text x="20" y="30" fill="var(--_text)">node</text>
</svg>
`;

describe("portable SVG", () => {
  test("resolves var() with fallbacks and color-mix(in srgb) to hex", () => {
    const vars = new Map([
      ["--bg", "#FFFFFF"],
      ["--fg", "#27272A"],
    ]);
    expect(resolveColour("var(--fg)", vars)).toBe("#27272A");
    // 50 % of #27272A and 50 % of #FFFFFF: (0x27 + 0xFF) / 2 = 0x93, (0x2A + 0xFF) / 2 = 0x94.8
    expect(resolveColour("var(--line, color-mix(in srgb, var(--fg) 50%, var(--bg)))", vars)).toBe("#939395");
    expect(resolveColour("color-mix(in srgb, #000000 25%, #FFFFFF)", vars)).toBe("#BFBFBF");
    expect(() => resolveColour("var(--nope)", vars)).toThrow(/--nope is not defined/);
  });

  test("leaves plain presentation attributes, a background rect and a generic font", () => {
    const svg = portableSvg(RAW);
    expect(portabilityProblems(svg)).toEqual([]);
    expect(svg).toContain(`font-family="${PORTABLE_FONT}"`);
    expect(svg).toContain('<rect x="0" y="0" width="200" height="100" fill="#FFFFFF" />');
    expect(svg).toContain('fill="#F9F9F9" stroke="#939395"');
    expect(svg).toContain('<text x="20" y="30" fill="#27272A">node</text>');
  });

  test("names every construct that breaks non-browser renderers in the raw output", () => {
    expect(portabilityProblems(RAW).map((p) => p.split(" (")[0])).toEqual([
      "CSS variable",
      "CSS custom property",
      "color-mix()",
      "<style> block",
      "style attribute",
      "@import",
      "web font URL",
    ]);
  });
});

/** A PNG of the given RGBA rows, each row with its own filter type (0-4), as encoders do. */
function png(width: number, rows: number[][]): Buffer {
  const stride = width * 4;
  const filtered: number[] = [];
  rows.forEach((row, y) => {
    const filter = y % 5;
    filtered.push(filter);
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? row[x - 4] : 0;
      const up = y > 0 ? rows[y - 1][x] : 0;
      const upLeft = x >= 4 && y > 0 ? rows[y - 1][x - 4] : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, paeth()][filter];
      filtered.push((row[x] - predictor) & 0xff);
    }
  });
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "latin1");
    return Buffer.concat([head, data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(rows.length, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.from(filtered))), chunk("IEND", Buffer.alloc(0))]);
}

describe("rendering comparison", () => {
  const white = [255, 255, 255, 255];
  const black = [0, 0, 0, 255];
  const clear = [0, 0, 0, 0];
  const row = (...pixels: number[][]) => pixels.flat();

  test("decodes every PNG filter type and composites alpha over white", () => {
    const rows = [row(white, black, clear), row(black, white, white), row(white, white, black), row(black, black, black), row(clear, clear, white), row(white, black, white)];
    const image = decodePng(png(3, rows));
    expect([image.width, image.height]).toEqual([3, 6]);
    expect([...image.pixels]).toEqual([255, 0, 255, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255, 0, 255]);
  });

  test("the same picture passes; a mostly black one fails and says why", () => {
    const light = decodePng(png(4, [row(white, white, white, black), row(white, white, white, white), row(white, white, white, white), row(white, white, white, white)]));
    const dark = decodePng(png(4, [row(black, black, black, black), row(black, black, white, white), row(black, black, black, black), row(black, black, white, white)]));
    expect(renderingDifferences(renderStats(light), renderStats(light))).toEqual([]);
    const problems = renderingDifferences(renderStats(light), renderStats(dark));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^mean luminance/), expect.stringMatching(/^the second rendering is 75.0 % dark/)]));
  });
});
