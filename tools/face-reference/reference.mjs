// Reference outputs of @vladmandic/face-api (Node, TF.js WASM backend) for the
// parity tests of the C# (TorchSharp / ONNX) port of its face detectors.
//
//   node reference.mjs PHOTOS_DIR OUT_DIR [--max-side 1024]
//
// For every .jpg/.jpeg/.png in PHOTOS_DIR (sorted by name):
//   1. decode it (jpeg-js / pngjs; EXIF orientation is NOT applied, alpha is dropped),
//   2. downscale it with the integer box filter below so that the longer side is at
//      most --max-side, and write the result losslessly as OUT_DIR/<name>.input.png
//      (8-bit RGB). That PNG is the exact input both implementations are fed.
//   3. run on that RGB tensor:
//        - SSD MobileNet v1 (minConfidence 0.5, maxResults 100) + 68-point landmarks
//          (faceapi.detectAllFaces(t, ssdOptions).withFaceLandmarks()),
//        - the tiny face detector (inputSize 608, scoreThreshold 0.5),
//      and write OUT_DIR/<name>.json; finally OUT_DIR/summary.json.
//
// Downscale rule (reproduce it exactly in C#):
//   L = max(width, height); k = ceil(L / maxSide) (k = 1 when L <= maxSide).
//   outW = floor(width / k), outH = floor(height / k); the last (width mod k) columns
//   and (height mod k) rows of the source are dropped.
//   For every output pixel (X, Y) and channel c in R, G, B:
//     sum = sum of src[(Y*k + j) * width + (X*k + i)].c for 0 <= i, j < k
//     out = floor((sum + floor(k*k / 2)) / (k*k))     (integer arithmetic only)
//   i.e. the mean of the k x k block rounded half up. k = 1 copies the image.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
// face-api's package "main" is the tfjs-node build (native binary); the Node WASM build
// is a CommonJS file that require()s @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm.
// Load it (and everything else TF.js) through require so that there is one tfjs instance.
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const jpeg = require('jpeg-js');
const { PNG } = require('pngjs');

const { tf } = faceapi;
const here = path.dirname(fileURLToPath(import.meta.url));
const MODEL_DIR = path.join(here, 'node_modules', '@vladmandic', 'face-api', 'model');

const SSD_OPTIONS = { minConfidence: 0.5, maxResults: 100 };
const TINY_OPTIONS = { inputSize: 608, scoreThreshold: 0.5 };

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node reference.mjs PHOTOS_DIR OUT_DIR [--max-side 1024]');
  process.exit(2);
}

function parseArgs(argv) {
  const pos = [];
  let maxSide = 1024;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--max-side') {
      maxSide = Number(argv[++i]);
      if (!Number.isInteger(maxSide) || maxSide < 1) usage('--max-side must be a positive integer');
    } else if (argv[i].startsWith('--')) {
      usage(`unknown option ${argv[i]}`);
    } else {
      pos.push(argv[i]);
    }
  }
  if (pos.length !== 2) usage();
  return { photosDir: pos[0], outDir: pos[1], maxSide };
}

// -> { width, height, rgb: Uint8Array(width * height * 3) }
function decode(file) {
  const buf = fs.readFileSync(file);
  let width; let height; let rgba;
  if (/\.png$/i.test(file)) {
    const png = PNG.sync.read(buf); // palette / grey / 16-bit are converted to 8-bit RGBA
    ({ width, height } = png);
    rgba = png.data;
  } else {
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 200, maxMemoryUsageInMB: 2048 });
    ({ width, height } = img);
    rgba = img.data;
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < width * height * 4; p += 4, q += 3) {
    rgb[q] = rgba[p]; rgb[q + 1] = rgba[p + 1]; rgb[q + 2] = rgba[p + 2];
  }
  return { width, height, rgb };
}

// Integer box filter, see the rule at the top of this file.
function downscale(img, maxSide) {
  const { width, height, rgb } = img;
  const k = Math.max(1, Math.ceil(Math.max(width, height) / maxSide));
  if (k === 1) return { width, height, rgb, k };
  const outW = Math.floor(width / k);
  const outH = Math.floor(height / k);
  const n = k * k;
  const half = Math.floor(n / 2);
  const out = new Uint8Array(outW * outH * 3);
  for (let Y = 0; Y < outH; Y++) {
    for (let X = 0; X < outW; X++) {
      let r = 0; let g = 0; let b = 0;
      for (let j = 0; j < k; j++) {
        let s = ((Y * k + j) * width + X * k) * 3;
        for (let i = 0; i < k; i++, s += 3) {
          r += rgb[s]; g += rgb[s + 1]; b += rgb[s + 2];
        }
      }
      const d = (Y * outW + X) * 3;
      out[d] = Math.floor((r + half) / n);
      out[d + 1] = Math.floor((g + half) / n);
      out[d + 2] = Math.floor((b + half) / n);
    }
  }
  return { width: outW, height: outH, rgb: out, k };
}

function writePng(file, img) {
  const buf = PNG.sync.write(
    { width: img.width, height: img.height, data: Buffer.from(img.rgb.buffer, img.rgb.byteOffset, img.rgb.length) },
    { colorType: 2, inputColorType: 2, inputHasAlpha: false, bitDepth: 8, deflateLevel: 9 },
  );
  fs.writeFileSync(file, buf);
}

// JSON with 1-space indent, but each landmark point [x, y] on one line.
const toJson = (o) => `${JSON.stringify(o, null, 1).replace(/\[\s+(-?[0-9.e+-]+),\s+(-?[0-9.e+-]+)\s+\]/g, '[$1, $2]')}\n`;
const box = (b) => ({ x: b.x, y: b.y, width: b.width, height: b.height });
const ms = (t) => Math.round(t * 10) / 10;

async function runPhoto(file, maxSide, outDir) {
  const name = path.basename(file).replace(/\.[^.]+$/, '');
  const src = decode(file);
  const input = downscale(src, maxSide);
  const inputPng = `${name}.input.png`;
  writePng(path.join(outDir, inputPng), input);

  // Feed the exact pixels written to the PNG (read back, to be sure).
  const back = PNG.sync.read(fs.readFileSync(path.join(outDir, inputPng)));
  for (let p = 0, q = 0; q < input.rgb.length; p += 4, q += 3) {
    if (back.data[p] !== input.rgb[q] || back.data[p + 1] !== input.rgb[q + 1] || back.data[p + 2] !== input.rgb[q + 2]) {
      throw new Error(`${inputPng}: PNG round trip differs`);
    }
  }
  const tensor = tf.tensor3d(Int32Array.from(input.rgb), [input.height, input.width, 3], 'int32');

  const ssdOpts = new faceapi.SsdMobilenetv1Options(SSD_OPTIONS);
  let t0 = performance.now();
  const ssdOnly = await faceapi.detectAllFaces(tensor, ssdOpts);
  const ssdMs = performance.now() - t0;

  t0 = performance.now();
  const ssd = await faceapi.detectAllFaces(tensor, ssdOpts).withFaceLandmarks();
  const ssdLmMs = performance.now() - t0;
  if (ssd.length !== ssdOnly.length || ssd.some((r, i) => r.detection.score !== ssdOnly[i].score)) {
    throw new Error(`${name}: SSD results differ between two identical runs`);
  }

  const tinyOpts = new faceapi.TinyFaceDetectorOptions(TINY_OPTIONS);
  t0 = performance.now();
  const tiny = await faceapi.detectAllFaces(tensor, tinyOpts);
  const tinyMs = performance.now() - t0;
  tf.dispose(tensor);

  const result = {
    source: path.basename(file),
    originalWidth: src.width,
    originalHeight: src.height,
    input: inputPng,
    inputWidth: input.width,
    inputHeight: input.height,
    downscale: { maxSide, factor: input.k, rule: 'integer box filter, see reference.mjs' },
    detectors: {
      ssdMobilenetv1: {
        options: { ...SSD_OPTIONS, iouThreshold: 0.5, inputSize: 512 },
        landmarks: 'faceLandmark68Net (detectAllFaces(...).withFaceLandmarks())',
        timeMs: ms(ssdMs),
        timeWithLandmarksMs: ms(ssdLmMs),
        faces: ssd.map((r) => ({
          box: box(r.detection.box),
          score: r.detection.score,
          // the integer region face-api cuts out for the landmark net:
          // box.clipAtImageBorders(inputWidth, inputHeight).floor()
          landmarkCrop: box(r.detection.box.clipAtImageBorders(input.width, input.height)),
          // 68 points [x, y] in input-image pixels (unshifted net output + box.x / box.y)
          landmarks: r.landmarks.positions.map((p) => [p.x, p.y]),
        })),
      },
      tinyFaceDetector: {
        options: { ...TINY_OPTIONS, iouThreshold: 0.4 },
        timeMs: ms(tinyMs),
        faces: tiny.map((d) => ({ box: box(d.box), score: d.score })),
      },
    },
  };
  fs.writeFileSync(path.join(outDir, `${name}.json`), toJson(result));
  return result;
}

async function main() {
  const { photosDir, outDir, maxSide } = parseArgs(process.argv.slice(2));
  fs.mkdirSync(outDir, { recursive: true });

  // In Node the WASM backend is single-threaded (tfjs disables threads there); it picks
  // the SIMD binary if the runtime supports it. The .wasm files are read from
  // node_modules/@tensorflow/tfjs-backend-wasm/dist/ (no network).
  wasm.setWasmPaths(`${path.join(here, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist')}${path.sep}`);
  await tf.setBackend('wasm');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');

  await faceapi.nets.ssdMobilenetv1.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(MODEL_DIR);
  await faceapi.nets.tinyFaceDetector.loadFromDisk(MODEL_DIR);

  // Warm-up so that the first photo's times do not include kernel set-up.
  const warm = tf.zeros([64, 64, 3], 'int32');
  await faceapi.detectAllFaces(warm, new faceapi.SsdMobilenetv1Options(SSD_OPTIONS)).withFaceLandmarks();
  await faceapi.detectAllFaces(warm, new faceapi.TinyFaceDetectorOptions(TINY_OPTIONS));
  tf.dispose(warm);

  const files = fs.readdirSync(photosDir).filter((f) => /\.(jpe?g|png)$/i.test(f) && !/\.input\.png$/i.test(f)).sort();
  const summary = {
    faceApi: faceapi.version,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    wasmSimd: simd,
    node: process.version,
    maxSide,
    options: { ssdMobilenetv1: SSD_OPTIONS, tinyFaceDetector: TINY_OPTIONS },
    photos: {},
  };
  for (const f of files) {
    const r = await runPhoto(path.join(photosDir, f), maxSide, outDir);
    const s = r.detectors.ssdMobilenetv1;
    const t = r.detectors.tinyFaceDetector;
    summary.photos[f] = {
      input: `${r.inputWidth}x${r.inputHeight}`,
      ssdMobilenetv1: s.faces.length,
      tinyFaceDetector: t.faces.length,
      ssdMs: s.timeMs,
      ssdWithLandmarksMs: s.timeWithLandmarksMs,
      tinyMs: t.timeMs,
    };
    console.log(`${f}: ${r.originalWidth}x${r.originalHeight} -> ${r.inputWidth}x${r.inputHeight}; `
      + `SSD ${s.faces.length} faces (${s.timeMs} ms, +landmarks ${s.timeWithLandmarksMs} ms); `
      + `tiny ${t.faces.length} faces (${t.timeMs} ms)`);
  }
  fs.writeFileSync(path.join(outDir, 'summary.json'), toJson(summary));
}

main().catch((e) => { console.error(e); process.exit(1); });
