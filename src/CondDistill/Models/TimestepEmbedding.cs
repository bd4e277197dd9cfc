using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// Time embedding of the UNet: a sinusoidal encoding of the integer timestep (cos half first, as
/// diffusers' <c>flip_sin_to_cos=True</c>) followed by Linear - SiLU - Linear.
/// </summary>
internal sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;
    private readonly int sinusoidChannels;

    internal TimestepEmbedding(int sinusoidChannels, int embeddingChannels) : base(nameof(TimestepEmbedding))
    {
        this.sinusoidChannels = sinusoidChannels;
        linear_1 = nn.Linear(sinusoidChannels, embeddingChannels);
        linear_2 = nn.Linear(embeddingChannels, embeddingChannels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor t)
    {
        using var sinusoid = Sinusoid(t, sinusoidChannels);
        using var hidden = nn.functional.silu(linear_1.call(sinusoid));
        return linear_2.call(hidden);
    }

    /// <summary>
    /// [B] timesteps to [B, channels]: cos(t * f_i) then sin(t * f_i), f_i = 10000^(-i / (channels/2)).
    /// </summary>
    internal static Tensor Sinusoid(Tensor t, int channels)
    {
        using var scope = NewDisposeScope();
        int half = channels / 2;
        var exponents = arange(half, dtype: float32, device: t.device) * (-Math.Log(10000.0) / half);
        var angles = t.to(float32).unsqueeze(1) * exponents.exp().unsqueeze(0);
        return cat([angles.cos(), angles.sin()], dim: 1).MoveToOuterDisposeScope();
    }
}
