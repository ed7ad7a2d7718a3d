// Chart images are re-encoded as palette PNGs (scripts/palette-png.js): smaller, same size in pixels, visually
// lossless for charts, and idempotent. Redrawing committed reports' images is tested in test/report.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";

const UPNG = require("upng-js") as {
  encode: (frames: ArrayBuffer[], w: number, h: number, colours: number) => ArrayBuffer;
  decode: (buf: ArrayBuffer) => { width: number; height: number; ctype: number };
  toRGBA8: (img: unknown) => ArrayBuffer[];
};
const { palettePng } = require("../scripts/palette-png.js") as {
  palettePng: (b64: string) => string;
};

/** A chart-like 300×120 RGBA image: white ground, grey grid, two coloured anti-aliased lines. */
function chartLike(): { png: string; rgba: Uint8Array; width: number; height: number } {
  const width = 300;
  const height = 120;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const blend = (x: number, y: number, rgb: number[], a: number) => {
    const i = 4 * (y * width + x);
    for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(rgba[i + c] * (1 - a) + rgb[c] * a);
  };
  for (let y = 0; y < height; y += 20) for (let x = 0; x < width; x++) blend(x, y, [200, 200, 200], 1);
  for (let x = 0; x < width; x++) {
    for (const [rgb, f] of [[[99, 110, 250], (t: number) => 60 + 40 * Math.sin(t / 25)], [[239, 85, 59], (t: number) => 100 - t / 4]] as const) {
      const yf = f(x);
      const y0 = Math.floor(yf);
      for (const [y, a] of [[y0, 1 - (yf - y0)], [y0 + 1, yf - y0]]) if (y >= 0 && y < height) blend(x, y, [...rgb], a);
    }
  }
  const png = Buffer.from(UPNG.encode([rgba.buffer], width, height, 0)).toString("base64");
  return { png, rgba, width, height };
}

function decode(b64: string) {
  const bytes = Buffer.from(b64, "base64");
  const img = UPNG.decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return { img, rgba: new Uint8Array(UPNG.toRGBA8(img)[0]) };
}

test("palettePng keeps the image's size and pixels (max channel error ≤ 24 of 255, mean < 1) in a palette PNG", () => {
  const { png, rgba, width, height } = chartLike();
  const small = palettePng(png);
  const { img, rgba: back } = decode(small);
  assert.equal(img.width, width);
  assert.equal(img.height, height);
  assert.equal(Buffer.from(small, "base64")[25], 3, "colour type 3 (palette)");
  let max = 0;
  let sum = 0;
  for (let i = 0; i < rgba.length; i++) {
    const d = Math.abs(rgba[i] - back[i]);
    max = Math.max(max, d);
    sum += d;
  }
  assert.ok(max <= 24, `max channel error ${max}`);
  assert.ok(sum / rgba.length < 1, `mean channel error ${sum / rgba.length}`);
  assert.equal(palettePng(small), small, "idempotent");
});

test("palettePng refuses what is not a PNG", () => {
  assert.throws(() => palettePng(Buffer.from("GIF89a not a png at all, padded").toString("base64")), /not a PNG/);
});
