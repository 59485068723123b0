// Times face-api 1.7.15 on tfjs's pure-JS CPU backend (the reference for BENCHMARKS.md,
// "Face perception"): detection at 416, then landmarks + expression on the detected face, on
// one PNG; the median of N runs after a warm-up.
//   node bench.mjs IMAGE.png [N]
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadPng } from './png.mjs';

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node.js');
const { tf } = faceapi;
const MODEL_DIR = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

const [file, nArg] = process.argv.slice(2);
const n = Number(nArg || 5);
await tf.setBackend('cpu');
await tf.ready();
for (const net of [faceapi.nets.tinyFaceDetector, faceapi.nets.faceLandmark68Net, faceapi.nets.faceExpressionNet]) {
  await net.loadFromDisk(MODEL_DIR);
}
const t = loadPng(tf, file).tensor;
const opts = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
const det = [];
const all = [];
for (let i = 0; i <= n; i++) {
  let t0 = performance.now();
  await faceapi.detectAllFaces(t, opts);
  const d = performance.now() - t0;
  t0 = performance.now();
  await faceapi.detectAllFaces(t, opts).withFaceLandmarks().withFaceExpressions();
  const a = performance.now() - t0;
  if (i > 0) { det.push(d); all.push(a); }
}
console.log(JSON.stringify({ backend: tf.getBackend(), tfjs: tf.version_core, runs: n, detect_416_ms: median(det), detect_landmarks_expression_416_ms: median(all) }));
