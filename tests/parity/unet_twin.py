"""A PyTorch twin of CondDistill's UNet (src/CondDistill/Models/UNet.cs and the files it uses).

Same layer order, same arithmetic and the same parameter names as the C# state_dict, so weights
move between the two by name (the safetensors files of ModelCheckpoint load here and vice versa).
Written for Debian's PyTorch 1.13 (`apt-get install python3-torch`, run with /usr/bin/python3):
1.13 has no F.scaled_dot_product_attention, so attention is written out (softmax(q k^T / sqrt(C)) v,
the default scale of the C# call).

Mapping (C# file -> class here):
  UNet.cs -> UNet;  TimestepEmbedding.cs -> TimestepEmbedding (sinusoid: cos half first);
  UNetEncoder.cs / EncoderLevel.cs -> UNetEncoder / EncoderLevel;  MiddleBlock.cs -> MiddleBlock;
  UNetDecoder.cs / DecoderLevel.cs -> UNetDecoder / DecoderLevel;  ResidualBlock.cs -> ResidualBlock;
  SelfAttention2d.cs -> SelfAttention2d;  UNetConfig.cs -> UNetConfig (same JSON, camelCase).
"""
import json
import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class UNetConfig:
    """Mirror of UNetConfig.cs; to_json() gives the exact string C#'s UNetConfig.ToJson() writes."""
    in_channels: int = 1
    out_channels: int = 1
    base_channels: int = 16
    channel_multipliers: tuple = field(default=(1, 2, 4))
    res_blocks_per_level: int = 2
    use_attention: bool = True
    groups: int = 8
    dropout: float = 0.0

    @property
    def levels(self):
        return len(self.channel_multipliers)

    @property
    def time_embedding_channels(self):
        return 4 * self.base_channels

    def level_channels(self, level):
        return self.base_channels * self.channel_multipliers[level]

    def to_json(self):
        dropout = int(self.dropout) if float(self.dropout).is_integer() else self.dropout  # System.Text.Json writes 0, not 0.0
        return json.dumps({
            "inChannels": self.in_channels, "outChannels": self.out_channels, "baseChannels": self.base_channels,
            "channelMultipliers": list(self.channel_multipliers), "resBlocksPerLevel": self.res_blocks_per_level,
            "useAttention": self.use_attention, "groups": self.groups, "dropout": dropout,
        }, separators=(",", ":"))

    @staticmethod
    def from_json(text):
        d = json.loads(text)
        return UNetConfig(d["inChannels"], d["outChannels"], d["baseChannels"], tuple(d["channelMultipliers"]),
                          d["resBlocksPerLevel"], d["useAttention"], d["groups"], float(d["dropout"]))


FASHION_MNIST_DEFAULT = UNetConfig(1, 1, 16, (1, 2, 4), 2, True, 8, 0.0)
TINY = UNetConfig(1, 1, 8, (1, 2, 2), 1, True, 4, 0.0)


def sinusoid(t, channels):
    """[B] int64 timesteps -> [B, channels]: cos(t f_i) then sin(t f_i), f_i = 10000^(-i / (channels/2)), float32."""
    half = channels // 2
    exponents = torch.arange(half, dtype=torch.float32) * (-math.log(10000.0) / half)
    angles = t.to(torch.float32).unsqueeze(1) * exponents.exp().unsqueeze(0)
    return torch.cat([angles.cos(), angles.sin()], dim=1)


class TimestepEmbedding(nn.Module):
    def __init__(self, sinusoid_channels, embedding_channels):
        super().__init__()
        self.sinusoid_channels = sinusoid_channels
        self.linear_1 = nn.Linear(sinusoid_channels, embedding_channels)
        self.linear_2 = nn.Linear(embedding_channels, embedding_channels)

    def forward(self, t):
        encoding = sinusoid(t, self.sinusoid_channels).to(self.linear_1.weight.dtype)  # float32 as in C#, then the model's dtype
        return self.linear_2(F.silu(self.linear_1(encoding)))


class ResidualBlock(nn.Module):
    def __init__(self, in_channels, out_channels, time_channels, groups, dropout):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.time_proj = nn.Linear(time_channels, out_channels)
        self.norm2 = nn.GroupNorm(groups, out_channels)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.shortcut = None if in_channels == out_channels else nn.Conv2d(in_channels, out_channels, 1)

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time_proj(F.silu(temb)).unsqueeze(-1).unsqueeze(-1)
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        skip = x if self.shortcut is None else self.shortcut(x)
        return h + skip


class SelfAttention2d(nn.Module):
    def __init__(self, channels, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, channels)
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        projected = self.qkv(self.norm(x)).reshape(b, 3, 1, c, h * w).transpose(-1, -2)  # [B, 3, 1 head, HW, C]
        q, k, v = projected.select(1, 0), projected.select(1, 1), projected.select(1, 2)
        weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(c), dim=-1)
        merged = (weights @ v).transpose(-1, -2).reshape(b, c, h, w)
        return x + self.proj_out(merged)


class EncoderLevel(nn.Module):
    def __init__(self, in_channels, channels, config, attention, downsample_after):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.attentions = nn.ModuleList()
        for i in range(config.res_blocks_per_level):
            self.blocks.append(ResidualBlock(in_channels if i == 0 else channels, channels,
                                             config.time_embedding_channels, config.groups, config.dropout))
            if attention:
                self.attentions.append(SelfAttention2d(channels, config.groups))
        self.downsample = nn.Conv2d(channels, channels, 3, stride=2, padding=1) if downsample_after else None

    def run(self, h, temb, skips):
        for i, block in enumerate(self.blocks):
            h = block(h, temb)
            if len(self.attentions) > 0:
                h = self.attentions[i](h)
            skips.append(h)
        if self.downsample is not None:
            h = self.downsample(h)
            skips.append(h)
        return h


class MiddleBlock(nn.Module):
    def __init__(self, channels, config):
        super().__init__()
        self.block_1 = ResidualBlock(channels, channels, config.time_embedding_channels, config.groups, config.dropout)
        self.attention = SelfAttention2d(channels, config.groups) if config.use_attention else None
        self.block_2 = ResidualBlock(channels, channels, config.time_embedding_channels, config.groups, config.dropout)

    def forward(self, h, temb):
        h = self.block_1(h, temb)
        if self.attention is not None:
            h = self.attention(h)
        return self.block_2(h, temb)


def skip_channels(config):
    channels = [config.base_channels]
    for level in range(config.levels):
        channels += [config.level_channels(level)] * config.res_blocks_per_level
        if level < config.levels - 1:
            channels.append(config.level_channels(level))
    return channels


class UNetEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.levels = nn.ModuleList()
        current = config.base_channels
        for level in range(config.levels):
            lowest = level == config.levels - 1
            self.levels.append(EncoderLevel(current, config.level_channels(level), config,
                                            config.use_attention and lowest, downsample_after=not lowest))
            current = config.level_channels(level)
        self.middle = MiddleBlock(current, config)

    def run(self, h0, temb):
        skips = [h0]
        h = h0
        for level in self.levels:
            h = level.run(h, temb, skips)
        return skips, self.middle(h, temb)


class DecoderLevel(nn.Module):
    def __init__(self, in_channels, consumed_skip_channels, channels, config, attention, upsample_after):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.attentions = nn.ModuleList()
        current = in_channels
        for skip in consumed_skip_channels:
            self.blocks.append(ResidualBlock(current + skip, channels, config.time_embedding_channels, config.groups, config.dropout))
            if attention:
                self.attentions.append(SelfAttention2d(channels, config.groups))
            current = channels
        self.upsample = nn.Conv2d(channels, channels, 3, padding=1) if upsample_after else None

    def run(self, h, temb, skips):
        for i, block in enumerate(self.blocks):
            h = block(torch.cat([h, skips.pop()], dim=1), temb)
            if len(self.attentions) > 0:
                h = self.attentions[i](h)
        if self.upsample is not None:
            h = self.upsample(F.interpolate(h, scale_factor=2.0, mode="nearest"))
        return h


class UNetDecoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.levels = nn.ModuleList()
        remaining = skip_channels(config)
        current = config.level_channels(config.levels - 1)
        for level in range(config.levels - 1, -1, -1):
            consumed = [remaining.pop() for _ in range(config.res_blocks_per_level + 1)]
            lowest = level == config.levels - 1
            self.levels.append(DecoderLevel(current, consumed, config.level_channels(level), config,
                                            config.use_attention and lowest, upsample_after=level > 0))
            current = config.level_channels(level)
        self.norm_out = nn.GroupNorm(config.groups, current)
        self.conv_out = nn.Conv2d(current, config.out_channels, 3, padding=1)

    def run(self, middle, skips, temb):
        skips = list(skips)
        h = middle
        for level in self.levels:
            h = level.run(h, temb, skips)
        if skips:
            raise ValueError(f"decoder left {len(skips)} skip tensors unused")
        return self.conv_out(F.silu(self.norm_out(h)))


class UNet(nn.Module):
    """z [B, Cin, H, W], int64 t [B] -> v-prediction [B, Cout, H, W]."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.conv_in = nn.Conv2d(config.in_channels, config.base_channels, 3, padding=1)
        self.time_embedding = TimestepEmbedding(config.base_channels, config.time_embedding_channels)
        self.encoder = UNetEncoder(config)
        self.decoder = UNetDecoder(config)

    def forward(self, z, t):
        temb = self.time_embedding(t)
        skips, middle = self.encoder.run(self.conv_in(z), temb)
        return self.decoder.run(middle, skips, temb)


def cosine_alphas_sigmas(num_timesteps=1000):
    """alpha_t, sigma_t of NoiseSchedule.Cosine (float64 math, float32 tensors), as NoiseSchedule.Gather looks them up."""
    f = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
    abar, product = [], 1.0
    for i in range(num_timesteps):
        product *= 1.0 - min(1.0 - f((i + 1) / num_timesteps) / f(i / num_timesteps), 0.999)
        abar.append(product)
    abar = torch.tensor(abar, dtype=torch.float64)
    return abar.sqrt().float(), (1.0 - abar).sqrt().float()
