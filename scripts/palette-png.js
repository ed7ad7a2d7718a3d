// Re-encodes chart PNGs as 64-colour palette PNGs, about a quarter of their size, so a report's static chart
// images keep an executed notebook under its 2 MB budget. Charts are flat colours with anti-aliased edges, so a
// 64-colour palette is visually lossless for them (test/palette-png.test.ts bounds the pixel error).
//
//   const { palettePng } = require("./palette-png.js");
//   const small = palettePng(base64Png);   // base64 in, base64 out; a palette PNG is returned as is
//
// scripts/render-notebook.js uses it for every chart image it draws; `render-notebook.js --refresh-images` redraws
// the images of committed reports.

const UPNG = require("upng-js");

const PALETTE_COLOURS = 64;
const PNG_SIGNATURE = "89504e470d0a1a0a";

/** The PNG's colour type from its IHDR chunk (3 = palette); throws on anything that is not a PNG. */
function colourType(bytes) {
  if (bytes.length < 26 || bytes.subarray(0, 8).toString("hex") !== PNG_SIGNATURE) throw new Error("not a PNG image");
  return bytes[25];
}

/**
 * A base64 PNG re-encoded with at most 64 colours (base64, no data: prefix). Idempotent: a palette PNG, or one the
 * palette would not make smaller, comes back unchanged.
 */
function palettePng(base64) {
  const bytes = Buffer.from(base64, "base64");
  if (colourType(bytes) === 3) return base64;
  const image = UPNG.decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const rgba = UPNG.toRGBA8(image)[0];
  const encoded = Buffer.from(UPNG.encode([rgba], image.width, image.height, PALETTE_COLOURS));
  return encoded.length < bytes.length ? encoded.toString("base64") : base64;
}

module.exports = { palettePng, PALETTE_COLOURS };
