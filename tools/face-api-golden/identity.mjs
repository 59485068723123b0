// Identity kept or lost: face-api 1.7.15's face-recognition descriptor (128-d, the dlib
// ResNet-34 recipe; two photos of one person lie under 0.6 apart) of each rendered expression
// against the portrait it was rendered from. An independent check on the face model's fit,
// which the renderer's own identity measure (the fit's offsets refitted) cannot be.
//
//   npm ci
//   node identity.mjs DIR            # photo_eval's --out DIR --frames: NAME.png, NAME_EMOTION.png
//   node identity.mjs REF.png A.png B.png ...
//
// Pure-JS tfjs CPU backend, as golden.mjs. In each image the face that overlaps the rig's
// face_box most (NAME.rig.json beside the frames), else the one nearest the centre (tiny
// detector at 416, then 224 and 160 for a face that fills the frame; score 0.3), its 68
// landmarks, then the descriptor of the aligned crop.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadPng } from './png.mjs';

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node.js');

const { tf } = faceapi;
const MODEL_DIR = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
const EMOTIONS = ['neutral', 'angry', 'disgusted', 'fear', 'happy', 'sad', 'surprised'];

// The face found in `file` that is the rendered one: the best overlap with `box` ([x0, y0, x1,
// y1], the rig's `face_box` beside photo_eval's frames), else the one nearest the centre. (A
// group photograph's crop holds bystanders that a render leaves as they were: picked, they
// match their own photograph at distance 0.)
async function descriptor(file, box) {
  const img = loadPng(tf, file).tensor;
  try {
    // A face that fills the frame is found at a smaller input size.
    let found = [];
    for (const inputSize of [416, 224, 160]) {
      const options = new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.3 });
      found = await faceapi.detectAllFaces(img, options).withFaceLandmarks().withFaceDescriptors();
      if (found.length > 0) break;
    }
    if (found.length === 0) return null;
    const [h, w] = img.shape;
    const score = (f) => {
      const b = f.detection.box;
      if (box) {
        const ix = Math.max(0, Math.min(b.x + b.width, box[2]) - Math.max(b.x, box[0]));
        const iy = Math.max(0, Math.min(b.y + b.height, box[3]) - Math.max(b.y, box[1]));
        const inter = ix * iy;
        return inter / (b.width * b.height + (box[2] - box[0]) * (box[3] - box[1]) - inter);
      }
      return -Math.hypot(b.x + b.width / 2 - w / 2, b.y + b.height / 2 - h / 2);
    };
    return found.reduce((a, b) => (score(b) > score(a) ? b : a)).descriptor;
  } finally {
    img.dispose();
  }
}

const distance = (a, b) => (a && b ? Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0)) : NaN);
const fmt = (d) => (Number.isNaN(d) ? '—' : d.toFixed(3));

async function main() {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    process.stderr.write('usage: node identity.mjs DIR | REF.png IMG.png...\n');
    process.exit(2);
  }
  await faceapi.nets.tinyFaceDetector.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(MODEL_DIR);
  if (args.length > 1) {
    const ref = await descriptor(args[0]);
    for (const f of args.slice(1)) console.log(`${f}\t${fmt(distance(ref, await descriptor(f)))}`);
    return;
  }
  const dir = args[0];
  const faces = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.png') && !EMOTIONS.some((e) => f.endsWith(`_${e}.png`)))
    .filter((f) => fs.existsSync(path.join(dir, f.replace(/\.png$/, '_neutral.png'))))
    .sort();
  console.log(`| face | ${EMOTIONS.join(' | ')} | mean |`);
  console.log(`|---|${EMOTIONS.map(() => '---|').join('')}---|`);
  const sums = EMOTIONS.map(() => [0, 0]);
  for (const f of faces) {
    const rig = path.join(dir, f.replace(/\.png$/, '.rig.json'));
    const box = fs.existsSync(rig) ? JSON.parse(fs.readFileSync(rig, 'utf8')).face_box : undefined;
    const ref = await descriptor(path.join(dir, f), box);
    const ds = [];
    for (const e of EMOTIONS) ds.push(distance(ref, await descriptor(path.join(dir, f.replace(/\.png$/, `_${e}.png`)), box)));
    ds.forEach((d, i) => { if (!Number.isNaN(d)) { sums[i][0] += d; sums[i][1] += 1; } });
    const ok = ds.filter((d) => !Number.isNaN(d));
    console.log(`| ${f.replace(/\.png$/, '')} | ${ds.map(fmt).join(' | ')} | ${fmt(ok.reduce((a, b) => a + b, 0) / ok.length)} |`);
  }
  const all = sums.reduce((a, [s, n]) => [a[0] + s, a[1] + n], [0, 0]);
  console.log(`| mean | ${sums.map(([s, n]) => fmt(s / n)).join(' | ')} | ${fmt(all[0] / all[1])} |`);
}

main().catch((e) => { console.error(e); process.exit(1); });
