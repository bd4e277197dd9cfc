"""Golden values for tests/CondDistill.Tests/Diffusion (an independent float64 numpy implementation).

Regenerate:  /usr/bin/python3 tests/parity/diffusion_golden.py
It prints C# constants; paste them into tests/CondDistill.Tests/Diffusion/DiffusionGoldenValues.cs.

What it computes (all in float64, nothing shared with the C# code):
  * alpha_bar of the three schedules (cosine with beta clip 0.999, linear 1e-4..0.02,
    scaled-linear sqrt-space 0.00085..0.012) at a few timesteps;
  * DDIM (eta = 0) and DPM-Solver++(2M) (Lu et al. 2022, data prediction, first step first order,
    last visited step outputs x_hat) on trailing 4-step timesteps [999, 749, 499, 249] and the
    CoDi grid sampler (N = 50, 4 steps: 980, 720, 460, 200), all driven by the closed-form
    posterior-mean denoiser of Gaussian data x ~ N(mu, s^2 I) converted to a v-prediction;
  * the first values of torch.randn drawn with torch.Generator().manual_seed(seed).
"""
import math
import numpy as np
import torch

T = 1000


def cosine_alpha_bar(T=T):
    f = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
    betas = np.array([min(1 - f((i + 1) / T) / f(i / T), 0.999) for i in range(T)])
    return np.cumprod(1 - betas)


def linear_alpha_bar(T=T):
    return np.cumprod(1 - np.linspace(1e-4, 0.02, T, dtype=np.float64))


def scaled_linear_alpha_bar(T=T):
    return np.cumprod(1 - np.linspace(0.00085 ** 0.5, 0.012 ** 0.5, T, dtype=np.float64) ** 2)


def gaussian_v_model(abar, mu, s):
    def model(z, t):
        a, sg = math.sqrt(abar[t]), math.sqrt(1 - abar[t])
        x_hat = mu + a * s * s / (a * a * s * s + sg * sg) * (z - a * mu)
        return (a * z - x_hat) / sg
    return model


def x_from_v(z, v, a, sg):
    return a * z - sg * v


def eps_from_v(z, v, a, sg):
    return a * v + sg * z


def ddim(model, abar, z, ts):
    for j, t in enumerate(ts):
        a, sg = math.sqrt(abar[t]), math.sqrt(1 - abar[t])
        v = model(z, t)
        x, e = x_from_v(z, v, a, sg), eps_from_v(z, v, a, sg)
        if j == len(ts) - 1:
            return x
        s = ts[j + 1]
        z = math.sqrt(abar[s]) * x + math.sqrt(1 - abar[s]) * e


def dpm_solver_pp_2m(model, abar, z, ts):
    lam = lambda t: 0.5 * math.log(abar[t] / (1 - abar[t]))
    sig = lambda t: math.sqrt(1 - abar[t])
    alp = lambda t: math.sqrt(abar[t])
    x_prev = None
    for j, t in enumerate(ts):
        x = x_from_v(z, model(z, t), alp(t), sig(t))
        if j == len(ts) - 1:
            return x
        s = ts[j + 1]
        h = lam(s) - lam(t)
        if j == 0:
            d = x
        else:
            r = (lam(t) - lam(ts[j - 1])) / h
            d = (1 + 1 / (2 * r)) * x - 1 / (2 * r) * x_prev
        z = sig(s) / sig(t) * z - alp(s) * (math.exp(-h) - 1) * d
        x_prev = x


def cs(name, values, fmt="{:.17g}"):
    body = ", ".join(fmt.format(float(v)) for v in np.ravel(values))
    print(f"    internal static readonly double[] {name} = [{body}];")


def main():
    schedules = {"Cosine": cosine_alpha_bar(), "Linear": linear_alpha_bar(), "ScaledLinear": scaled_linear_alpha_bar()}
    probe = [0, 1, 250, 500, 980, 998, 999]
    print(f"    internal static readonly int[] ScheduleProbeTimesteps = [{', '.join(map(str, probe))}];")
    for n, ab in schedules.items():
        cs(f"{n}AlphaBar", ab[probe])

    # Gaussian data and a fixed, formula-defined starting point (float32-rounded, as the C# test uses float32).
    shape = (2, 1, 2, 3)
    idx = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    noise = (1.5 * np.sin(1.7 * idx + 0.3)).astype(np.float32).astype(np.float64)
    mu = (0.4 * np.cos(0.9 * idx)).astype(np.float32).astype(np.float64)
    s = 0.5
    cs("GaussianNoise", noise)
    cs("GaussianMean", mu)
    ab = schedules["Cosine"]
    model = gaussian_v_model(ab, mu, s)
    trailing4 = [999, 749, 499, 249]
    grid4 = [980, 720, 460, 200]
    cs("DdimTrailing4", ddim(model, ab, noise, trailing4))
    cs("DpmSolverPlusPlus2MTrailing4", dpm_solver_pp_2m(model, ab, noise, trailing4))
    cs("DdimGrid50Steps4", ddim(model, ab, noise, grid4))

    # Exact probability-flow ODE for Gaussian data: (z_t - alpha_t mu) / sqrt(alpha_t^2 s^2 + sigma_t^2)
    # is constant along the path; report the exact posterior mean at the last visited step.
    def exact_x_hat(t_start, t_end):
        a0, s0 = math.sqrt(ab[t_start]), math.sqrt(1 - ab[t_start])
        a1, s1 = math.sqrt(ab[t_end]), math.sqrt(1 - ab[t_end])
        u = (noise - a0 * mu) / math.sqrt(a0 * a0 * s * s + s0 * s0)
        z1 = a1 * mu + math.sqrt(a1 * a1 * s * s + s1 * s1) * u
        return mu + a1 * s * s / (a1 * a1 * s * s + s1 * s1) * (z1 - a1 * mu)
    ex = exact_x_hat(999, 249)
    print("    // max |error| vs the exact ODE solution (trailing 4 steps): DDIM",
          np.abs(ddim(model, ab, noise, trailing4) - ex).max(), "DPM-Solver++(2M)",
          np.abs(dpm_solver_pp_2m(model, ab, noise, trailing4) - ex).max())
    cs("ExactXHatTrailing4", ex)

    seeds = [0, 7, 123456789]
    for seed in seeds:
        g = torch.Generator().manual_seed(seed)
        cs(f"Randn1x2x3Seed{seed}", torch.randn((1, 2, 3), generator=g).double().numpy())


if __name__ == "__main__":
    main()
