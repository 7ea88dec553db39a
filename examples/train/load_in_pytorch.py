#!/usr/bin/python3
"""Loads the head that examples/train/train.mjs trained on the GPU into the same PyTorch modules (by the kit's
state-dict keys) and prints its predictions on the held-out pictures, beside the kit's. Run after
`npm run example:train`:  python3 examples/train/load_in_pytorch.py
"""
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
try:
    from safetensors.torch import load_file
except ImportError:  # Debian has no safetensors package: the same format, read by hand
    from safetensors_io import load_file


class SELayer(nn.Module):  # the seed's, as the kit's nn.SELayer mirrors it
    def __init__(self, channel, reduction=16):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Linear(channel, channel // reduction, bias=False), nn.ReLU(inplace=True),
                                nn.Linear(channel // reduction, channel, bias=False), nn.Sigmoid())

    def forward(self, x):
        b, c, _, _ = x.size()
        y = self.fc(self.avg_pool(x).view(b, c)).view(b, c, 1, 1)
        return x * y.expand_as(x)


weights = load_file(os.path.join(HERE, "out", "head.safetensors"))
held_out = load_file(os.path.join(HERE, "out", "held_out.safetensors"))
channels = weights["3.weight"].shape[1]
head = nn.Sequential(SELayer(channels, 8), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 32), nn.ReLU(),
                     nn.Linear(32, weights["5.weight"].shape[0]))
head.load_state_dict(weights)  # strict: every key of the kit's file is PyTorch's
head.eval()
with torch.no_grad():
    logits = head(held_out["features"])
predicted = logits.argmax(1)
kit = held_out["logits"].argmax(1)
labels = held_out["labels"].long()
print(f"PyTorch {torch.__version__}: held-out accuracy {(predicted == labels).float().mean().item() * 100:.1f}%")
print(f"predictions (first 12): {' '.join(str(p) for p in predicted[:12].tolist())}")
print(f"same predictions as the kit: {int((predicted == kit).sum())}/{len(kit)}; largest logit difference {(logits - held_out['logits']).abs().max().item():.2e}")
sys.exit(0 if torch.equal(predicted, kit) else 1)
