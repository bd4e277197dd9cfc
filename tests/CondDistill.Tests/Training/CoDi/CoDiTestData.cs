using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Tests.Training.CoDi;

internal static class CoDiTestData
{
    /// <summary>x and eps [B, 1, 4, 4] from a seed, and t (as given) with s = t - 20 (N = 50).</summary>
    public static (Tensor X, Tensor Eps, Tensor T, Tensor S) Batch(ulong seed, long[] t, ScalarType dtype = ScalarType.Float32)
    {
        using var generator = new TorchSharp.torch.Generator(seed);
        long batch = t.Length;
        var x = randn([batch, 1, 4, 4], dtype: dtype, generator: generator).clamp(-1, 1);
        var eps = randn([batch, 1, 4, 4], dtype: dtype, generator: generator);
        var steps = tensor(t, ScalarType.Int64);
        return (x, eps, steps, steps - 20);
    }

    public static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    public static double MaxAbs(Tensor a, Tensor b) =>
        (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();

    public static NoiseSchedule Schedule { get; } = NoiseSchedule.Cosine();
}
