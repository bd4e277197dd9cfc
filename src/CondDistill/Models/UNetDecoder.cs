using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>The decoder half of the UNet: up levels consuming the skips, then GroupNorm - SiLU - conv3x3 to the output channels.</summary>
internal sealed class UNetDecoder : nn.Module
{
    private readonly ModuleList<DecoderLevel> levels;
    private readonly GroupNorm norm_out;
    private readonly RoutedConv2d conv_out;

    internal UNetDecoder(UNetConfig config) : base(nameof(UNetDecoder))
    {
        levels = new ModuleList<DecoderLevel>();
        var skipChannels = new Stack<int>(UNetEncoder.SkipChannels(config));
        int current = UNetEncoder.MiddleChannels(config);
        for (int level = config.Levels - 1; level >= 0; level--)
        {
            var consumed = new List<int>();
            for (int i = 0; i <= config.ResBlocksPerLevel; i++) consumed.Add(skipChannels.Pop());
            bool lowest = level == config.Levels - 1;
            levels.Add(new DecoderLevel(current, consumed, config.LevelChannels(level), config, config.UseAttention && lowest, upsampleAfter: level > 0));
            current = config.LevelChannels(level);
        }
        norm_out = ParameterInit.GroupNorm(config.Groups, current);
        conv_out = new RoutedConv2d(current, config.OutChannels, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>Middle output and skips (as produced by <see cref="UNetEncoder.Run"/>) to the prediction.</summary>
    internal Tensor Run(Tensor middle, IReadOnlyList<Tensor> skips, Tensor temb)
    {
        int expected = levels.Sum(l => l.SkipCount);
        if (skips.Count != expected)
            throw new ArgumentException($"UNet decoder expects {expected} skip tensors, got {skips.Count}.", nameof(skips));
        int next = skips.Count - 1;
        var h = middle;
        foreach (var level in levels) h = level.Run(h, temb, skips, ref next);
        return conv_out.call(nn.functional.silu(norm_out.call(h)));
    }
}
