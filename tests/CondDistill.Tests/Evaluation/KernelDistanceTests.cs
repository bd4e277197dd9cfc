using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class KernelDistanceTests
{
    [Fact]
    public void UnbiasedEstimatorMatchesAHandComputation()
    {
        // d = 1, k(a, b) = (ab + 1)^3. x = {0, 1}, y = {1, 2}.
        // xx off-diagonal: 2 k(0,1) = 2 -> /2 = 1; yy: 2 k(1,2) = 54 -> /2 = 27;
        // xy: k(0,1) + k(0,2) + k(1,1) + k(1,2) = 1 + 1 + 8 + 27 = 37 -> 2 * 37 / 4 = 18.5. MMD^2 = 1 + 27 - 18.5 = 9.5.
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 0, 1 }).reshape(2, 1);
        var y = tensor(new double[] { 1, 2 }).reshape(2, 1);
        Assert.Equal(9.5, KernelDistance.UnbiasedMmdSquared(x, y), 12);
    }

    [Fact]
    public void UnbiasedEstimatorMatchesALoopImplementation()
    {
        // Golden: tests/parity/evaluation_goldens.py ("MMD seed 12").
        using var scope = NewDisposeScope();
        var generator = new Generator(12);
        var x = randn(new long[] { 30, 4 }, generator: generator);
        var y = randn(new long[] { 25, 4 }, generator: generator) + 0.5;
        Assert.Equal(2.3239694750134126, KernelDistance.UnbiasedMmdSquared(x, y), 9);
    }

    [Fact]
    public void IdenticalSetsScoreNearZeroAndShiftedSetsClearlyAbove()
    {
        // Subsets of one set overlap (about a third here), and shared vectors add k(x, x) to the cross term,
        // so the identical-set KID sits slightly below 0; it is still tiny next to a real shift.
        using var scope = NewDisposeScope();
        var features = randn(new long[] { 300, 16 }, generator: new Generator(4));
        var same = KernelDistance.Compute(features, features, subsetSize: 100, subsetCount: 20, seed: 1);
        var shifted = KernelDistance.Compute(features, features + 1.0, subsetSize: 100, subsetCount: 20, seed: 1);
        Assert.True(Math.Abs(same.Mean) < 0.1, $"KID of a set with itself: {same.Mean}");
        Assert.True(shifted.Mean > 5.0, $"KID of shifted sets: {shifted.Mean}");
        Assert.True(shifted.Mean > 50 * Math.Abs(same.Mean));
    }

    [Fact]
    public void IndependentSetsOfOneDistributionAreWithinSamplingErrorOfZero()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var first = randn(new long[] { 300, 16 }, generator: generator);
        var second = randn(new long[] { 300, 16 }, generator: generator);
        var result = KernelDistance.Compute(first, second, subsetSize: 100, subsetCount: 20, seed: 1);
        Assert.True(Math.Abs(result.Mean) < 0.1, $"KID of independent same-distribution sets: {result.Mean} +- {result.StandardDeviation}");
    }

    [Fact]
    public void SameSeedSameResultAndSubsetSizeIsCappedAtTheSmallerSet()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var first = randn(new long[] { 40, 3 }, generator: generator);
        var second = randn(new long[] { 30, 3 }, generator: generator);
        var one = KernelDistance.Compute(first, second, subsetSize: 1000, subsetCount: 5, seed: 9);
        var two = KernelDistance.Compute(first, second, subsetSize: 1000, subsetCount: 5, seed: 9);
        Assert.Equal(one, two);
        Assert.Equal(30, one.SubsetSize);
        Assert.Equal(5, one.SubsetCount);
    }

    [Fact]
    public void SingleSubsetHasZeroSpreadAndEqualsTheFullEstimatorWhenItTakesEverything()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(6);
        var x = randn(new long[] { 12, 3 }, generator: generator);
        var y = randn(new long[] { 12, 3 }, generator: generator) + 0.3;
        var result = KernelDistance.Compute(x, y, subsetSize: 12, subsetCount: 1, seed: 0);
        Assert.Equal(0.0, result.StandardDeviation);
        Assert.Equal(KernelDistance.UnbiasedMmdSquared(x, y), result.Mean, 10); // a permutation does not change the estimator
    }

    [Fact]
    public void WholeSetSubsetsGiveOneValueAndAnExactlyZeroSpread()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(5);
        var a = randn([40, 6], ScalarType.Float64, generator: generator);
        var b = randn([40, 6], ScalarType.Float64, generator: generator) + 0.3;

        var whole = KernelDistance.Compute(a, b, subsetSize: 1000, subsetCount: 100);

        Assert.Equal(0.0, whole.StandardDeviation);
        Assert.Equal(KernelDistance.UnbiasedMmdSquared(a, b), whole.Mean, 12);
        Assert.Equal(40, whole.SubsetSize);
        // Subsets smaller than the sets still vary.
        Assert.True(KernelDistance.Compute(a, b, subsetSize: 20, subsetCount: 10).StandardDeviation > 0);
    }
}
