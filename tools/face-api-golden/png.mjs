// A PNG as face-api's input: an int32 [H, W, 3] tfjs tensor, decoded with pngjs (RGBA8 whatever
// the file's colour type; alpha dropped, not composited, as the Rust side does). Shared by
// golden.mjs, identity.mjs and bench.mjs.

import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { PNG } = require('pngjs');

/** `{ width, height, tensor }` of `file`, with `tf` the face-api build's tfjs. */
export function loadPng(tf, file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  if (png.depth !== 8) throw new Error(`${file}: expected an 8-bit PNG, have bit depth ${png.depth}`);
  const { width, height } = png;
  const rgb = new Int32Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    rgb[i * 3] = png.data[j];
    rgb[i * 3 + 1] = png.data[j + 1];
    rgb[i * 3 + 2] = png.data[j + 2];
  }
  return { width, height, tensor: tf.tensor3d(rgb, [height, width, 3], 'int32') };
}
