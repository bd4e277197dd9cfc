using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// One resolution level of the UNet decoder: ResBlocksPerLevel + 1 residual blocks, each taking
/// the concatenation of the running tensor and one skip (consumed last-in, first-out), each
/// optionally followed by self-attention, then an optional nearest x2 upsampling and conv3x3.
/// </summary>
internal sealed class DecoderLevel : nn.Module
{
    private readonly ModuleList<ResidualBlock> blocks;
    private readonly ModuleList<SelfAttention2d> attentions;
    private readonly RoutedConv2d? upsample;

    internal DecoderLevel(int inChannels, IReadOnlyList<int> skipChannels, int channels, UNetConfig config, bool attention, bool upsampleAfter)
        : base(nameof(DecoderLevel))
    {
        blocks = new ModuleList<ResidualBlock>();
        attentions = new ModuleList<SelfAttention2d>();
        int current = inChannels;
        foreach (int skip in skipChannels)
        {
            blocks.Add(new ResidualBlock(current + skip, channels, config.TimeEmbeddingChannels, config.Groups, config.Dropout));
            if (attention) attentions.Add(new SelfAttention2d(channels, config.Groups));
            current = channels;
        }
        upsample = upsampleAfter ? new RoutedConv2d(channels, channels, 3, padding: 1) : null;
        RegisterComponents();
    }

    /// <summary>Number of skip tensors this level consumes.</summary>
    internal int SkipCount => blocks.Count;

    /// <summary>Runs the level, taking skips from <paramref name="skips"/> at decreasing indices starting at <paramref name="next"/>.</summary>
    internal Tensor Run(Tensor h, Tensor temb, IReadOnlyList<Tensor> skips, ref int next)
    {
        for (int i = 0; i < blocks.Count; i++)
        {
            h = blocks[i].call(cat([h, skips[next--]], dim: 1), temb);
            if (attentions.Count > 0) h = attentions[i].call(h);
        }
        if (upsample is not null)
            h = upsample.call(nn.functional.interpolate(h, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest));
        return h;
    }
}
