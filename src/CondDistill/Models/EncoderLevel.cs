using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// One resolution level of the UNet encoder: residual blocks (each optionally followed by
/// self-attention) and an optional stride-2 downsampling conv. Every block output and the
/// downsampled tensor are skip connections.
/// </summary>
internal sealed class EncoderLevel : nn.Module
{
    private readonly ModuleList<ResidualBlock> blocks;
    private readonly ModuleList<SelfAttention2d> attentions;
    private readonly RoutedConv2d? downsample;

    internal EncoderLevel(int inChannels, int channels, UNetConfig config, bool attention, bool downsampleAfter)
        : base(nameof(EncoderLevel))
    {
        blocks = new ModuleList<ResidualBlock>();
        attentions = new ModuleList<SelfAttention2d>();
        for (int i = 0; i < config.ResBlocksPerLevel; i++)
        {
            blocks.Add(new ResidualBlock(i == 0 ? inChannels : channels, channels, config.TimeEmbeddingChannels, config.Groups, config.Dropout));
            if (attention) attentions.Add(new SelfAttention2d(channels, config.Groups));
        }
        downsample = downsampleAfter ? new RoutedConv2d(channels, channels, 3, stride: 2, padding: 1) : null;
        RegisterComponents();
    }

    /// <summary>Runs the level on <paramref name="h"/>, appending every skip tensor to <paramref name="skips"/>; returns the level output.</summary>
    internal Tensor Run(Tensor h, Tensor temb, List<Tensor> skips)
    {
        for (int i = 0; i < blocks.Count; i++)
        {
            h = blocks[i].call(h, temb);
            if (attentions.Count > 0) h = attentions[i].call(h);
            skips.Add(h);
        }
        if (downsample is not null)
        {
            h = downsample.call(h);
            skips.Add(h);
        }
        return h;
    }
}
