"""PyTorch twin of CondDistill's training-step benchmark (src/CondDistill/Benchmarks/TrainingStepBench.cs).

The same step, timed the same way: draw x ~ U(-1, 1), t ~ U{0..999}, eps ~ N(0, 1); z = alpha x + sigma eps
on the cosine schedule; loss = mse(unet(z, t), alpha eps - sigma x); backward; clip_grad_norm_;
AdamW; EMA update (theta_ema <- g theta_ema + (1 - g) theta, g = min(gamma, (1 + n) / (10 + n)) with
warm-up). The whole step is inside the timer; the median of the timed steps is reported.

Run standalone (from the repository root):
  /usr/bin/python3 tests/parity/bench_twin.py --threads 2 --steps 20
or through `condistill bench --pytorch`, which passes the same config, batch, seed, optimiser
settings and thread count as its own measurement. Prints progress on stderr and, last on stdout,
one JSON line: {"median_ms", "step_ms", "threads", "torch_version", "parameters", "final_loss"}.
"""
import argparse
import json
import os
import statistics
import sys
import time

# Same OpenMP policy as the C# library's module initializer (TorchInitializer.cs): must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unet_twin import FASHION_MNIST_DEFAULT, UNet, UNetConfig, cosine_alphas_sigmas  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (TorchSharp's default is 2 here)")
    p.add_argument("--steps", type=int, default=20, help="timed steps")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--config", default=FASHION_MNIST_DEFAULT.to_json(), help="UNetConfig JSON as C#'s UNetConfig.ToJson() writes it")
    p.add_argument("--schedule", default="cosine", choices=["cosine"])
    p.add_argument("--lr", type=float, default=4e-4)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--max-grad-norm", type=float, default=1.0)
    p.add_argument("--ema-decay", type=float, default=0.999)
    p.add_argument("--ema-warmup", type=int, default=1, choices=[0, 1])
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    config = UNetConfig.from_json(args.config)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    model = UNet(config).train()
    parameters = [p for p in model.parameters()]
    optimizer = torch.optim.AdamW(parameters, lr=args.lr, weight_decay=args.weight_decay)
    shadows = [p.detach().clone() for p in parameters]
    alphas, sigmas = cosine_alphas_sigmas()
    shape = (args.batch, config.in_channels, 28, 28)

    def step(n):
        x = torch.rand(shape, generator=generator) * 2 - 1
        t = torch.randint(0, len(alphas), (args.batch,), generator=generator)
        eps = torch.randn(shape, generator=generator)
        alpha, sigma = alphas[t].view(-1, 1, 1, 1), sigmas[t].view(-1, 1, 1, 1)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(alpha * x + sigma * eps, t), alpha * eps - sigma * x)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, args.max_grad_norm)
        optimizer.step()
        decay = min(args.ema_decay, (1.0 + n) / (10.0 + n)) if args.ema_warmup else args.ema_decay
        with torch.no_grad():
            for shadow, p in zip(shadows, parameters):
                shadow.mul_(decay).add_(p, alpha=1.0 - decay)
        return loss.item()

    times, loss = [], float("nan")
    for n in range(args.warmup + args.steps):
        start = time.perf_counter()
        loss = step(n)
        elapsed = (time.perf_counter() - start) * 1000.0
        if n >= args.warmup:
            times.append(elapsed)
        print(f"pytorch step {n + 1}/{args.warmup + args.steps}: {elapsed:.1f} ms", file=sys.stderr, flush=True)
    print(json.dumps({"median_ms": statistics.median(times), "step_ms": times, "threads": torch.get_num_threads(),
                      "torch_version": torch.__version__, "parameters": sum(p.numel() for p in parameters),
                      "final_loss": loss, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY")}))


if __name__ == "__main__":
    main()
