import { inflateSync } from "node:zlib";

/**
 * Compares two renderings of one SVG (e.g. rsvg-convert's and Chromium's PNG) by pixel
 * statistics, so that "renders the same" is a number: mean luminance, the share of dark pixels
 * (a diagram that renders solid black has most of them), and the luminance of a coarse grid of
 * cells (where things are). Font hinting and antialiasing differ between renderers, so the
 * thresholds allow small differences and no pixel-exact match.
 */

/** An 8-bit greyscale image (luminance 0-255), composited over white. */
export interface Grey {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** Decodes an 8-bit non-interlaced PNG (greyscale, RGB, grey+alpha or RGBA) to luminance over white. */
export function decodePng(data: Uint8Array): Grey {
  const buffer = Buffer.from(data);
  if (buffer.readUInt32BE(0) !== 0x89504e47) {
    throw new Error("png: not a PNG file");
  }
  let offset = 8;
  let width = 0;
  let height = 0;
  let colourType = 0;
  const idat: Buffer[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString("latin1", offset + 4, offset + 8);
    const chunk = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = chunk.readUInt32BE(0);
      height = chunk.readUInt32BE(4);
      const depth = chunk[8];
      colourType = chunk[9];
      if (depth !== 8 || chunk[12] !== 0 || ![0, 2, 4, 6].includes(colourType)) {
        throw new Error(`png: only 8-bit non-interlaced grey/RGB(A) images are supported (depth ${depth}, colour type ${colourType}, interlace ${chunk[12]})`);
      }
    } else if (type === "IDAT") {
      idat.push(chunk);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType] as number;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  const rows = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? rows[y * stride + x - channels] : 0;
      const up = y > 0 ? rows[(y - 1) * stride + x] : 0;
      const upLeft = x >= channels && y > 0 ? rows[(y - 1) * stride + x - channels] : 0;
      let predictor = 0;
      if (filter === 1) {
        predictor = left;
      } else if (filter === 2) {
        predictor = up;
      } else if (filter === 3) {
        predictor = (left + up) >> 1;
      } else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      rows[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const at = i * channels;
    const [r, g, b] = colourType === 0 || colourType === 4 ? [rows[at], rows[at], rows[at]] : [rows[at], rows[at + 1], rows[at + 2]];
    const alpha = colourType === 4 ? rows[at + 1] / 255 : colourType === 6 ? rows[at + 3] / 255 : 1;
    const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    pixels[i] = Math.round(luminance * alpha + 255 * (1 - alpha));
  }
  return { width, height, pixels };
}

/** Pixel statistics of a rendering. */
export interface RenderStats {
  readonly width: number;
  readonly height: number;
  /** Mean luminance, 0 (black) to 255 (white). */
  readonly mean: number;
  /** Share of pixels darker than 128. */
  readonly dark: number;
  /** Share of pixels that are not white (< 250). */
  readonly ink: number;
  /** Mean luminance of each cell of a GRID x GRID grid, row by row. */
  readonly cells: readonly number[];
}

const GRID = 16;

export function renderStats(image: Grey): RenderStats {
  let sum = 0;
  let dark = 0;
  let ink = 0;
  const cellSum = new Array<number>(GRID * GRID).fill(0);
  const cellCount = new Array<number>(GRID * GRID).fill(0);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const value = image.pixels[y * image.width + x];
      sum += value;
      dark += value < 128 ? 1 : 0;
      ink += value < 250 ? 1 : 0;
      const cell = Math.min(GRID - 1, Math.floor((y * GRID) / image.height)) * GRID + Math.min(GRID - 1, Math.floor((x * GRID) / image.width));
      cellSum[cell] += value;
      cellCount[cell] += 1;
    }
  }
  const n = image.width * image.height;
  return { width: image.width, height: image.height, mean: sum / n, dark: dark / n, ink: ink / n, cells: cellSum.map((s, i) => s / Math.max(1, cellCount[i])) };
}

/** Limits within which two renderings count as the same picture. */
export const SAME_RENDERING = {
  /** Mean luminance may differ by this much (of 255). */
  mean: 3,
  /** The share of dark pixels may differ by this much. */
  dark: 0.01,
  /** The share of inked pixels may differ by this much. */
  ink: 0.03,
  /** Any grid cell's mean luminance may differ by this much (of 255). */
  cell: 16,
  /** A diagram (dark lines and text on light boxes) has at most this share of dark pixels. */
  maxDark: 0.1,
} as const;

/** Why two renderings differ beyond {@link SAME_RENDERING}; empty when they are the same picture. */
export function renderingDifferences(a: RenderStats, b: RenderStats): string[] {
  const problems: string[] = [];
  if (a.width !== b.width || a.height !== b.height) {
    problems.push(`size ${a.width}x${a.height} against ${b.width}x${b.height}`);
  }
  if (Math.abs(a.mean - b.mean) > SAME_RENDERING.mean) {
    problems.push(`mean luminance ${a.mean.toFixed(1)} against ${b.mean.toFixed(1)}`);
  }
  if (Math.abs(a.dark - b.dark) > SAME_RENDERING.dark) {
    problems.push(`dark pixels ${(a.dark * 100).toFixed(2)} % against ${(b.dark * 100).toFixed(2)} %`);
  }
  if (Math.abs(a.ink - b.ink) > SAME_RENDERING.ink) {
    problems.push(`inked pixels ${(a.ink * 100).toFixed(2)} % against ${(b.ink * 100).toFixed(2)} %`);
  }
  const worst = a.cells.reduce((max, value, i) => Math.max(max, Math.abs(value - (b.cells[i] ?? 0))), 0);
  if (worst > SAME_RENDERING.cell) {
    problems.push(`a grid cell's luminance differs by ${worst.toFixed(1)}`);
  }
  for (const [name, stats] of [["first", a], ["second", b]] as const) {
    if (stats.dark > SAME_RENDERING.maxDark) {
      problems.push(`the ${name} rendering is ${(stats.dark * 100).toFixed(1)} % dark (solid black shapes?)`);
    }
  }
  return problems;
}
