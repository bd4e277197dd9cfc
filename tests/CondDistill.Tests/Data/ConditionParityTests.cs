using CondDistill.Data;
using TorchSharp;
using static CondDistill.Tests.Data.ConditionTestImages;

namespace CondDistill.Tests.Data;

/// <summary>
/// Golden values from an independent PyTorch implementation (F.avg_pool2d + F.interpolate nearest,
/// F.pad replicate + F.conv2d) on test images 0..3: regenerate with
/// <c>/usr/bin/python3 tests/parity/data_conditions.py</c> from the repository root.
/// </summary>
public sealed class ConditionParityTests
{
    [Theory]
    [InlineData("sr4", -1399.945099, 1908.122396, -0.292156875, 0.591666639)]
    [InlineData("sr2", -1399.945093, 2208.158981, -0.825490177, 0.715686321)]
    [InlineData("edges", -1908.283107, 2176.948832, -0.043828547, -0.559016228)]
    public void ConditionsMatchPyTorch(string name, double sum, double sumOfSquares, double at0_13_13, double at1_20_5)
    {
        using var images = RealImages(4);

        using var conditions = ConditionTasks.Create(name).Compute(images, Indices(4), seed: 0);

        using var asDouble = conditions.to(torch.ScalarType.Float64);
        Assert.Equal(sum, asDouble.sum().item<double>(), 1e-3);
        Assert.Equal(sumOfSquares, asDouble.square().sum().item<double>(), 1e-3);
        Assert.Equal(at0_13_13, conditions[0, 0, 13, 13].item<float>(), 1e-6);
        Assert.Equal(at1_20_5, conditions[1, 0, 20, 5].item<float>(), 1e-6);
    }
}
