"""Golden values for tests/CondDistill.Tests/Evaluation (independent reference implementations).

Regenerate: apt-get install python3-torch python3-skimage (pulls scipy); /usr/bin/python3 tests/parity/evaluation_goldens.py
Inputs come from seeded torch generators; TorchSharp draws the same numbers for the same seed and call order,
so the C# tests rebuild identical inputs and compare against the printed constants.
"""
import numpy as np
import scipy.linalg
import torch
from skimage.metrics import peak_signal_noise_ratio, structural_similarity


def frechet_distance_pytorch_fid(f1, f2):
    """pytorch-fid's formula with scipy.linalg.sqrtm (np.cov: unbiased)."""
    mu1, mu2 = f1.mean(0), f2.mean(0)
    s1, s2 = np.cov(f1, rowvar=False), np.cov(f2, rowvar=False)
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    diff = mu1 - mu2
    return diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)


def mmd_unbiased_loops(x, y):
    """Unbiased MMD^2 with k(a, b) = (a.b / d + 1)^3, written with explicit loops."""
    d = x.shape[1]
    k = lambda a, b: (a.dot(b) / d + 1.0) ** 3
    m, n = len(x), len(y)
    sxx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j)
    syy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j)
    sxy = sum(k(x[i], y[j]) for i in range(m) for j in range(n))
    return sxx / (m * (m - 1)) + syy / (n * (n - 1)) - 2 * sxy / (m * n)


g = torch.Generator().manual_seed(11)
f1 = torch.randn(64, 5, generator=g).double().numpy()
f2 = (torch.randn(48, 5, generator=g) * 1.5 + 0.3).double().numpy()
print(f"FD seed 11: {frechet_distance_pytorch_fid(f1, f2)!r}")

a = np.array([[2, .5, .1], [.5, 1, .2], [.1, .2, .5]])
b = np.array([[1, -.3, 0], [-.3, 2, .4], [0, .4, 1.5]])
mu1, mu2 = np.array([0.5, -1.0, 2.0]), np.array([0.0, 0.5, 1.0])
cov = scipy.linalg.sqrtm(a.dot(b)).real
print(f"FD full-covariance closed form: {(mu1 - mu2).dot(mu1 - mu2) + np.trace(a) + np.trace(b) - 2 * np.trace(cov)!r}")

g = torch.Generator().manual_seed(12)
x = torch.randn(30, 4, generator=g).double().numpy()
y = (torch.randn(25, 4, generator=g) + 0.5).double().numpy()
print(f"MMD seed 12: {mmd_unbiased_loops(x, y)!r}")

g = torch.Generator().manual_seed(13)
img = torch.rand(3, 1, 28, 28, generator=g) * 2 - 1
noisy = (img + 0.3 * torch.randn(3, 1, 28, 28, generator=g)).clamp(-1, 1)
u, v = ((img + 1) / 2).double().numpy(), ((noisy + 1) / 2).double().numpy()
ssim = [structural_similarity(v[i, 0], u[i, 0], gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0)
        for i in range(3)]
psnr = [peak_signal_noise_ratio(u[i, 0], v[i, 0], data_range=1.0) for i in range(3)]
print(f"SSIM seed 13: {ssim!r}")
print(f"PSNR seed 13: {psnr!r}")
