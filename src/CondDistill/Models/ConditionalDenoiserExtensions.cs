using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>Helpers over <see cref="IConditionalDenoiser"/>.</summary>
public static class ConditionalDenoiserExtensions
{
    /// <summary>The denoiser with its condition bound, as the samplers' <see cref="VelocityModel"/>.</summary>
    public static VelocityModel WithCondition(this IConditionalDenoiser denoiser, Tensor condition)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(condition);
        return (z, t) => denoiser.Forward(z, t, condition);
    }

    /// <summary>Number of parameter elements that currently require gradients.</summary>
    public static long TrainableParameterCount(this IConditionalDenoiser denoiser)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        return denoiser.TrainableParameters().Sum(p => p.Parameter.numel());
    }
}
