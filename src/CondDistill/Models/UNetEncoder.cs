using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// The encoder half of the UNet after the input conv: the down levels and the middle block.
/// A ControlNet copy is a second instance of this class with the backbone's weights.
/// </summary>
internal sealed class UNetEncoder : nn.Module
{
    private readonly TorchSharp.Modules.ModuleList<EncoderLevel> levels;
    private readonly MiddleBlock middle;

    internal UNetEncoder(UNetConfig config) : base(nameof(UNetEncoder))
    {
        levels = new TorchSharp.Modules.ModuleList<EncoderLevel>();
        int current = config.BaseChannels;
        for (int level = 0; level < config.Levels; level++)
        {
            bool lowest = level == config.Levels - 1;
            levels.Add(new EncoderLevel(current, config.LevelChannels(level), config, config.UseAttention && lowest, downsampleAfter: !lowest));
            current = config.LevelChannels(level);
        }
        middle = new MiddleBlock(current, config);
        RegisterComponents();
    }

    /// <summary>h0 (the input conv output) to the skip tensors (h0 first) and the middle block output.</summary>
    internal EncoderFeatures Run(Tensor h0, Tensor temb)
    {
        var skips = new List<Tensor> { h0 };
        var h = h0;
        foreach (var level in levels) h = level.Run(h, temb, skips);
        return new EncoderFeatures(skips, middle.call(h, temb));
    }

    /// <summary>Channel count of each skip tensor, in the order <see cref="Run"/> produces them.</summary>
    internal static IReadOnlyList<int> SkipChannels(UNetConfig config)
    {
        var channels = new List<int> { config.BaseChannels };
        for (int level = 0; level < config.Levels; level++)
        {
            for (int i = 0; i < config.ResBlocksPerLevel; i++) channels.Add(config.LevelChannels(level));
            if (level < config.Levels - 1) channels.Add(config.LevelChannels(level));
        }
        return channels;
    }

    /// <summary>Channels of the middle block output.</summary>
    internal static int MiddleChannels(UNetConfig config) => config.LevelChannels(config.Levels - 1);
}
