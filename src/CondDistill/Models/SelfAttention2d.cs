using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// Single-head spatial self-attention with a residual connection (DDPM's AttnBlock):
/// GroupNorm, 1x1 q/k/v projections, softmax(q k^T / sqrt(C)) v over the H*W positions, 1x1 output projection.
/// </summary>
internal sealed class SelfAttention2d : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm norm;
    private readonly RoutedConv2d qkv;
    private readonly RoutedConv2d proj_out;

    internal SelfAttention2d(int channels, int groups) : base(nameof(SelfAttention2d))
    {
        norm = ParameterInit.GroupNorm(groups, channels);
        qkv = new RoutedConv2d(channels, 3 * channels, 1);
        proj_out = new RoutedConv2d(channels, channels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        // [B, 3C, H, W] -> [B, 3, 1 head, HW, C]
        var projected = qkv.call(norm.call(x)).reshape(b, 3, 1, c, h * w).transpose(-1, -2);
        var attended = nn.functional.scaled_dot_product_attention(projected.select(1, 0), projected.select(1, 1), projected.select(1, 2));
        var merged = attended.transpose(-1, -2).reshape(b, c, h, w);
        return (x + proj_out.call(merged)).MoveToOuterDisposeScope();
    }
}
