using CondDistill.Diffusion;
using static TorchSharp.torch;

namespace CondDistill.Tests.Diffusion;

public sealed class ConsistencyBoundaryScalingTests
{
    [Fact]
    public void BoundaryConditionHoldsAtZero()
    {
        foreach (var convention in new[] { BoundaryScalingConvention.NormalizedTime, BoundaryScalingConvention.ReleasedCode })
        {
            var (cSkip, cOut) = ConsistencyBoundaryScaling.ForTimestep(0, 1000, convention);
            Assert.Equal(1.0, cSkip);
            Assert.Equal(0.0, cOut);
        }
    }

    [Fact]
    public void NormalizedTimeHandValues()
    {
        // t = 999: t' = 9.99, c_skip = 0.25 / (99.8001 + 0.25), c_out = 0.5 * 9.99 / sqrt(100.0501).
        var (cSkip, cOut) = ConsistencyBoundaryScaling.ForTimestep(999, 1000);
        Assert.Equal(0.25 / 100.0501, cSkip, 14);
        Assert.Equal(4.995 / Math.Sqrt(100.0501), cOut, 14);
        // t = 50: t' = 0.5 = sigma_data, so c_skip = 1/2 and c_out = 0.25 / sqrt(0.5).
        var (skipMid, outMid) = ConsistencyBoundaryScaling.ForTimestep(50, 1000);
        Assert.Equal(0.5, skipMid, 14);
        Assert.Equal(0.25 / Math.Sqrt(0.5), outMid, 14);
    }

    [Fact]
    public void ReleasedCodeScalesTheIntegerTimestepAndOmitsSigmaDataInCOut()
    {
        // t = 1: t' = 10, c_skip = 0.25 / 100.25, c_out = 10 / sqrt(100.25).
        var (cSkip, cOut) = ConsistencyBoundaryScaling.ForTimestep(1, 1000, BoundaryScalingConvention.ReleasedCode);
        Assert.Equal(0.25 / 100.25, cSkip, 14);
        Assert.Equal(10 / Math.Sqrt(100.25), cOut, 14);
    }

    [Fact]
    public void TensorFormMatchesTheScalarForm()
    {
        using var scope = NewDisposeScope();
        var (cSkip, cOut) = ConsistencyBoundaryScaling.ForTimesteps(tensor(new long[] { 0, 50, 999 }), 1000);
        Assert.Equal(new long[] { 3, 1, 1, 1 }, cSkip.shape);
        Assert.Equal(0.5f, cSkip[1, 0, 0, 0].item<float>());
        Assert.Equal((float)ConsistencyBoundaryScaling.ForTimestep(999, 1000).COut, cOut[2, 0, 0, 0].item<float>());
    }
}
