using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>The UNet middle block at the lowest resolution: residual block, optional self-attention, residual block.</summary>
internal sealed class MiddleBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ResidualBlock block_1;
    private readonly SelfAttention2d? attention;
    private readonly ResidualBlock block_2;

    internal MiddleBlock(int channels, UNetConfig config) : base(nameof(MiddleBlock))
    {
        block_1 = new ResidualBlock(channels, channels, config.TimeEmbeddingChannels, config.Groups, config.Dropout);
        attention = config.UseAttention ? new SelfAttention2d(channels, config.Groups) : null;
        block_2 = new ResidualBlock(channels, channels, config.TimeEmbeddingChannels, config.Groups, config.Dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor h, Tensor temb)
    {
        using var scope = NewDisposeScope();
        h = block_1.call(h, temb);
        if (attention is not null) h = attention.call(h);
        return block_2.call(h, temb).MoveToOuterDisposeScope();
    }
}
