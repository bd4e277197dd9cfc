using TorchSharp;

namespace CondDistill.Reporting;

/// <summary>One row of an image grid: a batch [N, C, H, W] with C = 1 (grey) or 3 (RGB), and an optional label.</summary>
/// <param name="Label">Text drawn left of the row (null or empty for none).</param>
/// <param name="Images">The images of the row, one tile each, left to right.</param>
public sealed record GridRow(string? Label, torch.Tensor Images);
