using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// DDPM residual block: GroupNorm - SiLU - conv3x3, plus a projection of the time embedding added
/// per channel, GroupNorm - SiLU - dropout - conv3x3, and a 1x1 shortcut when channels change.
/// </summary>
internal sealed class ResidualBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly RoutedConv2d conv1;
    private readonly Linear time_proj;
    private readonly GroupNorm norm2;
    private readonly Dropout dropout;
    private readonly RoutedConv2d conv2;
    private readonly RoutedConv2d? shortcut;

    internal ResidualBlock(int inChannels, int outChannels, int timeChannels, int groups, double dropoutProbability)
        : base(nameof(ResidualBlock))
    {
        norm1 = ParameterInit.GroupNorm(groups, inChannels);
        conv1 = new RoutedConv2d(inChannels, outChannels, 3, padding: 1);
        time_proj = nn.Linear(timeChannels, outChannels);
        norm2 = ParameterInit.GroupNorm(groups, outChannels);
        dropout = nn.Dropout(dropoutProbability);
        conv2 = new RoutedConv2d(outChannels, outChannels, 3, padding: 1);
        shortcut = inChannels == outChannels ? null : new RoutedConv2d(inChannels, outChannels, 1);
        RegisterComponents();
    }

    /// <param name="x">[B, Cin, H, W].</param>
    /// <param name="temb">[B, timeChannels] time embedding (before SiLU).</param>
    public override Tensor forward(Tensor x, Tensor temb)
    {
        using var scope = NewDisposeScope();
        var h = conv1.call(nn.functional.silu(norm1.call(x)));
        h = h + time_proj.call(nn.functional.silu(temb)).unsqueeze(-1).unsqueeze(-1);
        h = conv2.call(dropout.call(nn.functional.silu(norm2.call(h))));
        var skip = shortcut is null ? x : shortcut.call(x);
        return (h + skip).MoveToOuterDisposeScope();
    }
}
