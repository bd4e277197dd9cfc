"""Golden values for tests/CondDistill.Tests/Data/ConditionParityTests.cs, computed independently
with PyTorch (Debian python3-torch 1.13) from the shipped Fashion-MNIST files.

Regenerate (from the repository root):  /usr/bin/python3 tests/parity/data_conditions.py
and paste the printed constants into ConditionParityTests.cs.
"""
import gzip
import math

import numpy as np
import torch
import torch.nn.functional as F

ROOT = "data/fashion-mnist/"


def images(split, count):
    raw = gzip.open(ROOT + split + "-images-idx3-ubyte.gz").read()
    pixels = np.frombuffer(raw[16:16 + count * 784], dtype=np.uint8).reshape(count, 1, 28, 28)
    return torch.from_numpy(pixels.astype(np.float64) / 127.5 - 1.0).float()


def sr(x, k):
    return F.interpolate(F.avg_pool2d(x, k), scale_factor=k, mode="nearest")


def edges(x):
    u = (x + 1) / 2
    kx = torch.tensor([[-1., 0., 1.], [-2., 0., 2.], [-1., 0., 1.]])
    kernels = torch.stack([kx, kx.t()]).unsqueeze(1)
    g = F.conv2d(F.pad(u, (1, 1, 1, 1), mode="replicate"), kernels)
    return (g.square().sum(1, keepdim=True).sqrt() * (2 / math.sqrt(20)) - 1).clamp(-1, 1)


def show(name, t):
    t = t.double()
    print(f"{name}: sum={t.sum().item():.6f} sumsq={t.square().sum().item():.6f} "
          f"[0,0,13,13]={t[0, 0, 13, 13].item():.9f} [1,0,20,5]={t[1, 0, 20, 5].item():.9f}")


x = images("t10k", 4)
show("sr4", sr(x, 4))
show("sr2", sr(x, 2))
show("edges", edges(x))
