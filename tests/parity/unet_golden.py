"""Golden forward values of the UNet from the PyTorch twin (unet_twin.py), for
tests/CondDistill.Tests/Parity/UNetParityTests.cs.

Regenerate (from the repository root; needs `apt-get install python3-torch`):
  /usr/bin/python3 tests/parity/unet_golden.py

For each configuration below it writes two files to tests/parity/fixtures/:
  unet-<name>.weights.safetensors  weights in CondDistill's model-checkpoint format (metadata format,
                                   kind, config), loadable with ModelCheckpoint.LoadUNet: a C# load
                                   fails on any missing, extra or mis-shaped name;
  unet-<name>.forward.safetensors  inputs z [4, 1, 28, 28] (float32), t [4] (int64) and the twin's
                                   output v [4, 1, 28, 28], computed in float64 and stored as float32.
Weights are PyTorch's default initialisation from torch.manual_seed(seed), with every GroupNorm
weight and bias then moved off 1 / 0 (so a swapped or ignored norm parameter changes the output).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_lite  # noqa: E402
from unet_twin import TINY, UNet, UNetConfig  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
TIMESTEPS = [0, 1, 417, 999]

CONFIGS = {
    # UNetConfig.Tiny: 3 levels, 1 block per level, attention, 4 groups.
    "tiny": (TINY, 1),
    # The layout of UNetConfig.FashionMnistDefault (multipliers 1, 2, 4; 2 blocks per level, so the
    # encoder's first-block-changes-channels path and 3-block decoder levels are exercised) at base 4.
    "default-layout-base4": (UNetConfig(1, 1, 4, (1, 2, 4), 2, True, 2, 0.0), 2),
}


def build(config, seed):
    torch.manual_seed(seed)
    model = UNet(config)
    generator = torch.Generator().manual_seed(seed + 100)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.GroupNorm):
                module.weight.copy_(1.0 + 0.2 * torch.randn(module.weight.shape, generator=generator))
                module.bias.copy_(0.2 * torch.randn(module.bias.shape, generator=generator))
    return model.eval()


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    for name, (config, seed) in CONFIGS.items():
        model = build(config, seed)
        state = {k: v for k, v in model.state_dict().items()}
        metadata = {"format": "conddistill-model-v1", "kind": "unet", "config": config.to_json(),
                    "generated_by": "tests/parity/unet_golden.py", "torch_version": torch.__version__}
        safetensors_lite.save(os.path.join(FIXTURES, f"unet-{name}.weights.safetensors"), state, metadata)

        generator = torch.Generator().manual_seed(seed + 200)
        z = torch.randn(len(TIMESTEPS), config.in_channels, 28, 28, generator=generator)
        t = torch.tensor(TIMESTEPS, dtype=torch.int64)
        with torch.no_grad():
            v = model.double()(z.double(), t).float()
        safetensors_lite.save(os.path.join(FIXTURES, f"unet-{name}.forward.safetensors"), {"z": z, "t": t, "v": v},
                              {"config": config.to_json(), "generated_by": "tests/parity/unet_golden.py",
                               "torch_version": torch.__version__, "precision": "float64 forward, stored as float32"})
        parameters = sum(p.numel() for p in state.values())
        print(f"{name}: {parameters} parameters, |v| max {v.abs().max():.4f}, wrote unet-{name}.*.safetensors")


if __name__ == "__main__":
    main()
