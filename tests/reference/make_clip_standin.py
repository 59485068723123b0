#!/usr/bin/env python3
"""Makes the stand-in for CLIP used by emotalk's `onnx` tests: two tiny ONNX models with the
input/output signature of a CLIP export (Hugging Face / optimum naming), a tokenizer.json, and
golden outputs computed here with onnxruntime.

No CLIP weights can be had offline, so this is NOT CLIP: the text tower mean-pools token vectors
of a small BPE vocabulary learnt from emotalk's lexicon, and the image tower projects the mean
colour. Sub-word tokens get small random (seeded) vectors; a token that is a whole lexicon word gets
that word's z_emo rotated into 64 dimensions plus noise, so that, as with CLIP, emotion is
linearly readable from the text embedding and the projection has something to learn. It checks
emotalk's code path (tokenising, running the sessions, pre-processing, fitting and applying the
projection, nearest neighbours), not emotion understanding.

    text.onnx:  input_ids int64 [batch, seq], attention_mask int64 [batch, seq]
                -> text_embeds float32 [batch, 64]
    image.onnx: pixel_values float32 [batch, 3, 224, 224] -> image_embeds float32 [batch, 64]

Run from the repository root (needs onnx, onnxruntime, tokenizers, numpy, Pillow):
    python3 tests/reference/make_clip_standin.py
Versions used: onnx 1.23.2, onnxruntime 1.31.1, tokenizers 0.23.3.
"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

OUT = "tests/fixtures/clip_standin"
DIM = 64
SEED = 20261121

os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(SEED)

# --- tokenizer: CLIP-like BPE (lower case, words end in </w>, start/end tokens) -------------------
CLASSES = ["neutral", "angry", "contempt", "disgusted", "fear", "happy", "sad", "surprised"]
keys, z_emo = [], {}
for line in open("models/emotion/lexicon.txt", encoding="utf-8"):
    line = line.split("#")[0].strip()
    if line:
        key, mixture, vad, _ = [f.strip() for f in line.split("|")]
        words = mixture.split()
        weights = dict(zip(words[0::2], map(float, words[1::2]))) if len(words) > 1 else {words[0]: 1.0}
        m = np.array([weights.get(c, 0.0) for c in CLASSES])
        z_emo[key.lower()] = np.concatenate([m / m.sum(), np.array([float(v) for v in vad.split()])])
        keys.append(key)
tok = Tokenizer(models.BPE(unk_token="<|endoftext|>", end_of_word_suffix="</w>"))
tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
tok.pre_tokenizer = pre_tokenizers.Whitespace()
tok.decoder = decoders.BPEDecoder(suffix="</w>")
trainer = trainers.BpeTrainer(
    vocab_size=2500, special_tokens=["<|startoftext|>", "<|endoftext|>"], end_of_word_suffix="</w>", show_progress=False
)
tok.train_from_iterator(keys * 3, trainer=trainer)
bos, eos = tok.token_to_id("<|startoftext|>"), tok.token_to_id("<|endoftext|>")
tok.post_processor = processors.TemplateProcessing(
    single="<|startoftext|> $A <|endoftext|>", special_tokens=[("<|startoftext|>", bos), ("<|endoftext|>", eos)]
)
tok.save(f"{OUT}/tokenizer.json")
vocab = tok.get_vocab_size()

# --- text tower: masked mean of token vectors, then a linear map ---------------------------------
table = 0.3 * rng.normal(size=(vocab, DIM)).astype(np.float32)
rotation = np.linalg.qr(rng.normal(size=(DIM, DIM)))[0][:, :11]  # 11 orthonormal columns
for token, i in tok.get_vocab().items():
    word = token[: -len("</w>")] if token.endswith("</w>") else None
    if word in z_emo:
        table[i] = 4.0 * rotation @ z_emo[word] + 0.3 * rng.normal(size=DIM)
table[[bos, eos]] = 0.0  # start/end tokens carry nothing, so pooling reads the words
w_text = (np.eye(DIM) + 0.1 * rng.normal(size=(DIM, DIM))).astype(np.float32)
nodes = [
    helper.make_node("Gather", ["table", "input_ids"], ["tokens"]),  # [b, s, d]
    helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),  # [b, s]
    helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask3"]),  # [b, s, 1]
    helper.make_node("Mul", ["tokens", "mask3"], ["masked"]),
    helper.make_node("ReduceSum", ["masked", "axis1"], ["summed"], keepdims=0),  # [b, d]
    helper.make_node("ReduceSum", ["mask3", "axis1"], ["count"], keepdims=0),  # [b, 1]
    helper.make_node("Div", ["summed", "count"], ["pooled"]),
    helper.make_node("MatMul", ["pooled", "w_text"], ["text_embeds"]),
]
graph = helper.make_graph(
    nodes,
    "clip_text_standin",
    [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
    ],
    [helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["batch", DIM])],
    [
        numpy_helper.from_array(table, "table"),
        numpy_helper.from_array(w_text, "w_text"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
    ],
)
text_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="emotalk")
text_model.ir_version = 8
onnx.checker.check_model(text_model)
onnx.save(text_model, f"{OUT}/text.onnx")

# --- image tower: mean of each normalised channel, then a linear map -----------------------------
w_image = rng.normal(size=(3, DIM)).astype(np.float32)
graph = helper.make_graph(
    [
        helper.make_node("GlobalAveragePool", ["pixel_values"], ["pooled4"]),  # [b, 3, 1, 1]
        helper.make_node("Flatten", ["pooled4"], ["pooled"], axis=1),  # [b, 3]
        helper.make_node("MatMul", ["pooled", "w_image"], ["image_embeds"]),
    ],
    "clip_image_standin",
    [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, 224, 224])],
    [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", DIM])],
    [numpy_helper.from_array(w_image, "w_image")],
)
image_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="emotalk")
image_model.ir_version = 8
onnx.checker.check_model(image_model)
onnx.save(image_model, f"{OUT}/image.onnx")

# --- config, as a user would write it for a real CLIP export ------------------------------------
json.dump(
    {"text_model": "text.onnx", "image_model": "image.onnx", "tokenizer": "tokenizer.json", "max_tokens": 77},
    open(f"{OUT}/clip.json", "w"),
    indent=2,
)

# --- golden outputs ------------------------------------------------------------------------------
text_session = ort.InferenceSession(f"{OUT}/text.onnx")
golden = {"text": {}, "image": {}}
for phrase in ["sadly surprised", "Furious", "a bit annoyed", "superfurious"]:
    enc = tok.encode(phrase)
    ids = np.array([enc.ids], dtype=np.int64)
    out = text_session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]
    golden["text"][phrase] = {"ids": enc.ids, "embeds": [float(v) for v in out]}
image_session = ort.InferenceSession(f"{OUT}/image.onnx")
mean, std = np.array([0.48145466, 0.4578275, 0.40821073]), np.array([0.26862954, 0.26130258, 0.27577711])
for name, rgb in {"grey": (128, 128, 128), "orange": (230, 120, 20)}.items():
    x = ((np.array(rgb) / 255.0 - mean) / std).astype(np.float32)
    pixels = np.broadcast_to(x[None, :, None, None], (1, 3, 224, 224)).copy()
    out = image_session.run(None, {"pixel_values": pixels})[0][0]
    golden["image"][name] = {"rgb": list(rgb), "embeds": [float(v) for v in out]}
json.dump(golden, open(f"{OUT}/golden.json", "w"), indent=1)
print(f"wrote {OUT}: vocabulary {vocab}, dimension {DIM}")
