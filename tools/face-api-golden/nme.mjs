// Sanity check of golden landmarks against a reference 68-point annotation.
//
//   node nme.mjs GOLDEN.json REF.landmarks68.json [IMAGE_BASENAME]
//
// NME = mean over points 17..67 (brows, nose, eyes, mouth; the jaw is left out) of the
// distance between face-api's point and the reference point, divided by the reference
// outer-eye-corner distance |p36 - p45|. Printed for the 68-point net and the tiny net.
import fs from 'node:fs';
import path from 'node:path';

const [goldenFile, refFile, nameArg] = process.argv.slice(2);
if (!goldenFile || !refFile) {
  process.stderr.write('usage: node nme.mjs GOLDEN.json REF.landmarks68.json [IMAGE_BASENAME]\n');
  process.exit(2);
}
const golden = JSON.parse(fs.readFileSync(goldenFile, 'utf8'));
const ref = JSON.parse(fs.readFileSync(refFile, 'utf8'));
const name = nameArg || ref.image || path.basename(refFile).replace(/\.landmarks68\.json$/, '.png');
const img = golden.images.find((i) => i.file === name);
if (!img) throw new Error(`${name} not in ${goldenFile}`);
if (!img.faces.length) throw new Error(`no face found in ${name}`);

const R = ref.landmarks;
const iod = Math.hypot(R[36][0] - R[45][0], R[36][1] - R[45][1]);
function nme(pts) {
  let s = 0;
  for (let k = 17; k < 68; k++) s += Math.hypot(pts[k][0] - R[k][0], pts[k][1] - R[k][1]);
  return s / 51 / iod;
}
img.faces.forEach((f, i) => {
  process.stdout.write(`${name} face ${i}: inter-ocular ${iod.toFixed(2)} px; `
    + `NME(17..67) landmarks ${nme(f.landmarks).toFixed(4)}, landmarks_tiny ${nme(f.landmarks_tiny).toFixed(4)}\n`);
});
