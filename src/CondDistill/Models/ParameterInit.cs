using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// Layer construction and initialisation helpers. TorchSharp 0.107's <c>nn.GroupNorm</c> leaves its
/// affine weight and bias uninitialised (garbage, sometimes NaN), so every GroupNorm here is built
/// through <see cref="GroupNorm"/>, which sets weight 1 and bias 0 as PyTorch does.
/// </summary>
internal static class ParameterInit
{
    /// <summary>A GroupNorm with PyTorch's initial affine parameters (weight 1, bias 0).</summary>
    internal static GroupNorm GroupNorm(int groups, int channels)
    {
        var norm = nn.GroupNorm(groups, channels);
        ResetNorm(norm);
        return norm;
    }

    /// <summary>
    /// Re-initialises every convolution, Linear and GroupNorm inside <paramref name="module"/> from
    /// <paramref name="generator"/> with PyTorch's default distributions (weights and biases
    /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), i.e. kaiming_uniform with a = sqrt(5); norms 1 and 0),
    /// so a model's initial weights depend only on the caller's generator, not on global state.
    /// </summary>
    internal static void Reset(nn.Module module, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Convolution conv:
                    ResetAffine(conv.weight!, conv.bias, conv.weight!.shape.Skip(1).Aggregate(1L, (a, d) => a * d), generator);
                    break;
                case Linear linear:
                    ResetAffine(linear.weight!, linear.bias, linear.weight!.shape[1], generator);
                    break;
                case GroupNorm norm:
                    ResetNorm(norm);
                    break;
            }
        }
    }

    /// <summary>Sets the weight and bias of <paramref name="conv"/> to zero.</summary>
    internal static void Zero(Convolution conv)
    {
        using var noGrad = no_grad();
        conv.weight!.zero_();
        conv.bias?.zero_();
    }

    private static void ResetAffine(Tensor weight, Tensor? bias, long fanIn, Generator generator)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        weight.uniform_(-bound, bound, generator);
        bias?.uniform_(-bound, bound, generator);
    }

    private static void ResetNorm(GroupNorm norm)
    {
        using var noGrad = no_grad();
        norm.weight!.fill_(1.0);
        norm.bias!.zero_();
    }
}
