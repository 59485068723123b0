// Golden outputs of @vladmandic/face-api 1.7.15 for emotalk's Rust port.
//
//   npm ci
//   node golden.mjs OUT.json IMG1.png [IMG2.png ...]
//
// Runs face-api on the pure-JavaScript tfjs 4.22.0 CPU backend (no native
// tfjs-node, no WASM, no canvas): PNGs are decoded with pngjs into int32
// [H, W, 3] tensors and passed to face-api as tf.Tensor3D inputs.
// See README.md for the JSON schema and how face-api preprocesses and
// post-processes (with file:line references into the face-api sources).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadPng } from './png.mjs';

const require = createRequire(import.meta.url);

// face-api's Node build (dist/face-api.node.js) does `require("@tensorflow/tfjs-node")`
// and only re-exports it as `faceapi.tf`. package.json maps that name to the
// pure-JS "@tensorflow/tfjs@4.22.0" (npm alias), whose only Node backend is "cpu".
const faceapi = require('@vladmandic/face-api/dist/face-api.node.js');

const { tf } = faceapi;
const FACE_API_DIR = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
const MODEL_DIR = path.join(FACE_API_DIR, 'model');
const FACE_API_VERSION = JSON.parse(fs.readFileSync(path.join(FACE_API_DIR, 'package.json'), 'utf8')).version;

const INPUT_SIZES = [224, 320, 416, 512, 608];
const SCORE_THRESHOLD = 0.5;
const RAW_INPUT_SIZE = 416;
const EXPECTED_CLASSES = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];

function usage() {
  process.stderr.write('usage: node golden.mjs OUT.json IMG1.png [IMG2.png ...]\n');
  process.exit(2);
}

const rect = (b) => ({ x: b.x, y: b.y, width: b.width, height: b.height });
const det = (d) => ({ score: d.score, ...rect(d.box) });
const points = (lm) => lm.positions.map((p) => [p.x, p.y]);
const exprObj = (e) => Object.fromEntries(EXPECTED_CLASSES.map((k) => [k, e[k]]));
const exprArr = (e) => EXPECTED_CLASSES.map((k) => e[k]);

function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// The integer crop face-api slices out of the image tensor for a detection / aligned rect:
// dom/extractFaceTensors.ts:28-32 (forSize -> clipAtImageBorders, which floors).
function cropBox(faceDetection, W, H) {
  return faceDetection.forSize(W, H).box.clipAtImageBorders(W, H);
}

function sliceCrop(img, b) {
  return tf.slice3d(img, [b.y, b.x, 0], [b.height, b.width, 3]);
}

// Stats of the [1,112,112,3] float batch tensor the landmark / expression nets see
// (before mean subtraction and /255): per-channel mean and 16 sample pixels.
function input112Stats(netInput) {
  const t = netInput.toBatchTensor(112, true);
  const d = t.dataSync();
  t.dispose();
  const mean = [0, 0, 0];
  for (let i = 0; i < d.length; i++) mean[i % 3] += d[i];
  const n = d.length / 3;
  const samples = [];
  for (const y of [0, 37, 74, 111]) {
    for (const x of [0, 37, 74, 111]) {
      const o = (y * 112 + x) * 3;
      samples.push([y, x, d[o], d[o + 1], d[o + 2]]);
    }
  }
  return { mean_rgb: mean.map((s) => s / n), samples };
}

// Run a FaceLandmark68(Tiny)Net on one crop tensor and return every stage.
async function landmarkNetOnCrop(net, crop) {
  const ni = await faceapi.toNetInput(crop);
  const raw = net.runNet(ni); // fc output [1,136] before postProcess
  const rawArr = Array.from(raw.dataSync());
  raw.dispose();
  const rel = net.forwardInput(ni); // postProcess: relative to crop [1,136]
  const relArr = Array.from(rel.dataSync());
  rel.dispose();
  const lm = await net.detectLandmarks(crop); // FaceLandmarks68 in crop pixels
  return { netInput: ni, net_out: rawArr, relative: relArr, crop_px: points(lm) };
}

async function expressionNetOnCrop(crop) {
  const net = faceapi.nets.faceExpressionNet;
  const ni = await faceapi.toNetInput(crop);
  const logits = net.runNet(ni); // fc output [1,7] before softmax
  const logitsArr = Array.from(logits.dataSync());
  logits.dispose();
  const e = await net.predictExpressions(crop);
  return { netInput: ni, logits: logitsArr, probs: exprArr(e) };
}

let warnings = 0;
function check(cond, msg) {
  if (!cond) {
    warnings++;
    process.stderr.write(`WARNING: ${msg}\n`);
  }
}

async function processImage(file) {
  const { width: W, height: H, tensor: img } = loadPng(tf, file);
  const out = { file: path.basename(file), width: W, height: H };

  // 1. Detections for every input size.
  out.detections = {};
  for (const inputSize of INPUT_SIZES) {
    const opts = new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: SCORE_THRESHOLD });
    const dets = await faceapi.detectAllFaces(img, opts);
    out.detections[String(inputSize)] = dets.map(det);
  }

  // 2. Raw detector output at 416 ([1,13,13,25], NHWC) and the decoded candidates before NMS.
  {
    const net = faceapi.nets.tinyFaceDetector;
    const ni = await faceapi.toNetInput(img);
    const raw = net.forwardInput(ni, RAW_INPUT_SIZE);
    out.raw_detector_416 = { shape: raw.shape, data: Array.from(raw.dataSync()) };
    const reshaped = ni.getReshapedInputDimensions(0);
    // TinyYolov2Base.extractBoxes (protected in TS, reachable in JS): sigmoid / exp decoding
    // and the score threshold, without NMS. Boxes are relative to the image (0..1).
    const cands = await net.extractBoxes(raw, reshaped, SCORE_THRESHOLD);
    raw.dispose();
    out.candidates_416 = cands.map((c) => ({
      row: c.row, col: c.col, anchor: c.anchor, score: c.score, ...rect(c.box),
    }));
  }

  // 3. The full chain at 416 (or the first size that finds a face).
  let chainSize = null;
  if (out.detections[String(RAW_INPUT_SIZE)].length) chainSize = RAW_INPUT_SIZE;
  else chainSize = INPUT_SIZES.find((s) => out.detections[String(s)].length) ?? null;
  out.faces_input_size = chainSize;
  out.faces = [];
  if (chainSize !== null) {
    const opts = new faceapi.TinyFaceDetectorOptions({ inputSize: chainSize, scoreThreshold: SCORE_THRESHOLD });
    const full = await faceapi.detectAllFaces(img, opts).withFaceLandmarks().withFaceExpressions();
    const tiny = await faceapi.detectAllFaces(img, opts).withFaceLandmarks(true).withFaceExpressions();
    check(full.length === tiny.length, `${file}: chain face counts differ (${full.length} vs ${tiny.length})`);
    for (let i = 0; i < full.length; i++) {
      const r = full[i];
      const rt = tiny[i];
      const face = { detection: det(r.detection) };

      // Landmark crop: the detection box, clipped + floored; landmarks come back relative to
      // the crop and are shifted by the *unfloored* detection box origin.
      const lmBox = cropBox(r.detection, W, H);
      face.landmark_crop = rect(lmBox);
      face.landmark_shift = { x: r.detection.box.x, y: r.detection.box.y };
      face.landmarks = points(r.landmarks);
      face.landmarks_tiny = points(rt.landmarks);

      const crop = sliceCrop(img, lmBox);
      const lm = await landmarkNetOnCrop(faceapi.nets.faceLandmark68Net, crop);
      const lmt = await landmarkNetOnCrop(faceapi.nets.faceLandmark68TinyNet, crop);
      face.landmark_input112 = input112Stats(lm.netInput);
      face.landmarks_on_box = {
        crop_px: lm.crop_px, relative: lm.relative, net_out: lm.net_out,
      };
      face.landmarks_tiny_on_box = {
        crop_px: lmt.crop_px, relative: lmt.relative, net_out: lmt.net_out,
      };
      crop.dispose();
      check(maxAbsDiff(lm.crop_px.flat(), points(r.unshiftedLandmarks).flat()) === 0,
        `${file}: landmarks_on_box differ from the chain's unshifted landmarks`);
      check(maxAbsDiff(lm.crop_px.flat().map((v, k) => v + (k % 2 ? face.landmark_shift.y : face.landmark_shift.x)), face.landmarks.flat()) < 1e-9,
        `${file}: chain landmarks != landmarks_on_box + landmark_shift`);
      check(maxAbsDiff(lmt.crop_px.flat(), points(rt.unshiftedLandmarks).flat()) === 0,
        `${file}: landmarks_tiny_on_box differ from the tiny chain's unshifted landmarks`);

      // Expression crop: the aligned rect from the 68 landmarks (minBbox padded by 20 %).
      face.expression_box = rect(r.alignedRect.box);
      const exBox = cropBox(r.alignedRect, W, H);
      face.expression_crop = rect(exBox);
      face.expressions = exprObj(r.expressions);
      const ecrop = sliceCrop(img, exBox);
      const ex = await expressionNetOnCrop(ecrop);
      face.expression_input112 = input112Stats(ex.netInput);
      ecrop.dispose();
      face.expressions_on_box = { logits: ex.logits, probs: ex.probs };
      check(maxAbsDiff(ex.probs, exprArr(r.expressions)) === 0,
        `${file}: expressions_on_box differ from the chain's expressions`);

      // Same chain but with the tiny landmark net (its own aligned rect -> its own expression crop).
      face.expression_box_tiny = rect(rt.alignedRect.box);
      face.expression_crop_tiny = rect(cropBox(rt.alignedRect, W, H));
      face.expressions_tiny = exprObj(rt.expressions);

      out.faces.push(face);
    }
  }
  img.dispose();
  return out;
}

async function main() {
  const [outFile, ...images] = process.argv.slice(2);
  if (!outFile || !images.length) usage();

  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`expected the cpu backend, have ${tf.getBackend()}`);

  const labels = Array.from(faceapi.FACE_EXPRESSION_LABELS);
  if (JSON.stringify(labels) !== JSON.stringify(EXPECTED_CLASSES)) {
    throw new Error(`unexpected FACE_EXPRESSION_LABELS ${JSON.stringify(labels)}`);
  }

  await faceapi.nets.tinyFaceDetector.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceExpressionNet.loadFromDisk(MODEL_DIR);

  const result = {
    generator: 'tools/face-api-golden/golden.mjs',
    face_api_version: FACE_API_VERSION,
    tfjs_version: tf.version_core,
    backend: tf.getBackend(),
    score_threshold: SCORE_THRESHOLD,
    input_sizes: INPUT_SIZES,
    raw_input_size: RAW_INPUT_SIZE,
    expression_classes: labels,
    images: [],
  };
  for (const file of images) {
    const r = await processImage(file);
    result.images.push(r);
    const found = INPUT_SIZES.map((s) => `${s}:${r.detections[String(s)].length}`).join(' ');
    process.stderr.write(`${r.file}: faces per input size ${found}; chain at ${r.faces_input_size}\n`);
    for (const f of r.faces) {
      const top = Object.entries(f.expressions).sort((a, b) => b[1] - a[1])[0];
      const d = f.detection;
      process.stderr.write(`  face score ${d.score.toFixed(4)} box [${d.x.toFixed(1)}, ${d.y.toFixed(1)}, ${d.width.toFixed(1)}, ${d.height.toFixed(1)}] top expression ${top[0]} ${top[1].toFixed(4)}\n`);
    }
  }
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(result)}\n`);
  process.stderr.write(`wrote ${outFile}${warnings ? ` with ${warnings} warning(s)` : ''}\n`);
  if (warnings) process.exit(1);
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
