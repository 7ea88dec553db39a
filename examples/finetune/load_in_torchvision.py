#!/usr/bin/python3
"""Loads the MobileNetV3-Small that examples/finetune/finetune.mjs fine-tuned on the GPU into torchvision's own
mobilenet_v3_small with load_state_dict(strict=True), runs the held-out pictures in eval mode, and checks that
torchvision's logits equal the kit's. Exits non-zero on a mismatch. Run after `npm run example:finetune`:
  /usr/bin/python3 examples/finetune/load_in_torchvision.py
Needs Debian's python3-torch and python3-torchvision.
"""
import os
import sys

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "train"))
try:
    from safetensors.torch import load_file
except ImportError:  # Debian has no safetensors package: the same format, read by hand
    from safetensors_io import load_file

weights = load_file(os.path.join(HERE, "out", "mobilenet_v3_small.safetensors"))
held_out = load_file(os.path.join(HERE, "out", "held_out.safetensors"))
classes = weights["classifier.3.weight"].shape[0]
model = torchvision.models.mobilenet_v3_small(num_classes=classes)
model.load_state_dict(weights, strict=True)  # every key, shape and dtype of the kit's file is torchvision's
model.eval()
with torch.no_grad():
    logits = model(held_out["images"])
difference = (logits - held_out["logits"]).abs().max().item()
print(f"torchvision loaded {len(weights)} entries strictly; num_batches_tracked = {int(weights['features.0.1.num_batches_tracked'])}")
print(f"held-out predictions: torchvision {logits.argmax(1).tolist()}")
print(f"                      the kit     {held_out['logits'].argmax(1).tolist()}")
print(f"max |torchvision − kit| over the logits = {difference:.2e}")
if not difference <= 1e-3 * max(1.0, held_out["logits"].abs().max().item()):
    sys.exit("the logits differ")
