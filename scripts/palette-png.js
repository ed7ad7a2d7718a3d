// Re-encodes chart PNGs as 64-colour palette PNGs, about a quarter of their size, so a report's static chart
// images keep an executed notebook under its 2 MB budget. Charts are flat colours with anti-aliased edges, so a
// 64-colour palette is visually lossless for them (test/palette-png.test.ts bounds the pixel error).
//
//   const { palettePng, compactNotebookImages } = require("./palette-png.js");
//   const small = palettePng(base64Png);                 // base64 in, base64 out; a palette PNG is returned as is
//   const saved = compactNotebookImages(notebookJson);   // every image/png and inline data:image/png, in place
//
//   node scripts/palette-png.js reports/*.ipynb          // re-encodes committed reports' images in place

const fs = require("node:fs");
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

const INLINE_PNG = /data:image\/png;base64,([A-Za-z0-9+/=]+)/g;

/**
 * Re-encodes, in place, every image/png output and every inline data:image/png in the HTML outputs of a parsed
 * notebook. Returns the bytes saved.
 */
function compactNotebookImages(nb) {
  let saved = 0;
  const swap = (base64) => {
    const small = palettePng(base64);
    saved += base64.length - small.length;
    return small;
  };
  for (const cell of nb.cells ?? []) {
    for (const output of cell.outputs ?? []) {
      const data = output.data;
      if (!data) continue;
      if (data["image/png"] !== undefined) {
        const png = Array.isArray(data["image/png"]) ? data["image/png"].join("") : data["image/png"];
        data["image/png"] = swap(png.replace(/\s+/g, ""));
      }
      if (data["text/html"] !== undefined) {
        const html = Array.isArray(data["text/html"]) ? data["text/html"].join("") : data["text/html"];
        data["text/html"] = html.replace(INLINE_PNG, (_, png) => `data:image/png;base64,${swap(png)}`);
      }
    }
  }
  return saved;
}

function main(files) {
  if (files.length === 0) {
    console.error("usage: node scripts/palette-png.js NOTEBOOK.ipynb [...]   (re-encodes its PNG images in place)");
    return 2;
  }
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const nb = JSON.parse(text);
    const saved = compactNotebookImages(nb);
    // Same layout as scripts/render-notebook.js writes (one-space indent, trailing newline).
    const out = `${JSON.stringify(nb, null, 1)}\n`;
    if (out !== text) {
      const tmp = `${file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, out);
      fs.renameSync(tmp, file);
    }
    console.log(`${file}: ${(text.length / 1e6).toFixed(2)} MB -> ${(out.length / 1e6).toFixed(2)} MB (${(saved / 1e3).toFixed(0)} kB of images saved)`);
  }
  return 0;
}

module.exports = { palettePng, compactNotebookImages, PALETTE_COLOURS };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
