using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class SampleDiversityTests
{
    [Fact]
    public void IdenticalSamplesHaveNoDiversity()
    {
        using var scope = NewDisposeScope();
        var one = rand(new long[] { 3, 1, 1, 5, 5 }, generator: new Generator(1));
        var samples = one.expand(3, 4, 1, 5, 5);
        Assert.Equal(0.0, SampleDiversity.MeanPairwiseDistance(samples), 12);
        Assert.Equal(0.0, SampleDiversity.MeanPixelStandardDeviation(samples), 12);
        var many = one.expand(3, 30, 1, 5, 5); // more samples than cdist's exact-mode limit: still exactly 0
        Assert.Equal(0.0, SampleDiversity.MeanPairwiseDistance(many));
    }

    [Fact]
    public void HandComputedPairwiseDistances()
    {
        // Condition 0: one-pixel samples 0, 1, 3 -> pair distances 1, 3, 2 -> mean 2.
        // Condition 1: four-pixel samples 0 and 1 (three copies of 0) -> pairs 2, 0, 2 -> mean 4/3.  Average: 5/3.
        using var scope = NewDisposeScope();
        var first = tensor(new double[] { 0, 1, 3 }).reshape(1, 3, 1).expand(1, 3, 4) / 2; // a pixel of value v/2 repeated 4 times: distance = |dv|
        var second = cat(new[] { zeros(1, 1, 4, dtype: ScalarType.Float64), ones(1, 1, 4, dtype: ScalarType.Float64), zeros(1, 1, 4, dtype: ScalarType.Float64) }, 1);
        var samples = cat(new[] { first, second }, 0);
        Assert.Equal(5.0 / 3, SampleDiversity.MeanPairwiseDistance(samples), 10);
    }

    [Fact]
    public void HandComputedPixelStandardDeviation()
    {
        // Values 0, 1, 3: mean 4/3, population variance (16 + 1 + 25) / 27 = 42 / 27.
        using var scope = NewDisposeScope();
        var samples = tensor(new double[] { 0, 1, 3 }).reshape(1, 3, 1);
        Assert.Equal(Math.Sqrt(42.0 / 27), SampleDiversity.MeanPixelStandardDeviation(samples), 10);
    }

    [Fact]
    public void OneSamplePerConditionIsRejected()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => SampleDiversity.MeanPairwiseDistance(zeros(new long[] { 2, 1, 1, 4, 4 })));
        Assert.Contains("K >= 2", error.Message);
    }
}
