using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class FrechetDistanceTests
{
    [Fact]
    public void DistanceOfASetToItselfIsZero()
    {
        using var scope = NewDisposeScope();
        var features = randn(new long[] { 200, 8 }, generator: new Generator(1)) * 3 + 1;
        using var statistics = FeatureStatistics.Of(features);
        double scale = statistics.Covariance.trace().item<double>();
        Assert.True(Math.Abs(FrechetDistance.Compute(features, features)) < 1e-6 * scale);
    }

    [Fact]
    public void DiagonalGaussiansMatchTheClosedForm()
    {
        // |mu1 - mu2|^2 + sum(s1 + s2 - 2 sqrt(s1 s2)) = 9 + (1 + 1 + 6.25) = 17.25
        using var scope = NewDisposeScope();
        using var first = new FeatureStatistics(tensor(new double[] { 1, 2, 3 }), diag(tensor(new double[] { 1, 4, 9 })));
        using var second = new FeatureStatistics(tensor(new double[] { 0, 0, 1 }), diag(tensor(new double[] { 4, 1, 0.25 })));
        Assert.Equal(17.25, FrechetDistance.FromStatistics(first, second), 12);
    }

    [Fact]
    public void TermsSplitTheClosedFormIntoMeanAndCovarianceParts()
    {
        // Same Gaussians as above: mean term |(1, 2, 2)|^2 = 9; covariance term 1 + 1 + 6.25 = 8.25; traces 14 and 5.25.
        using var scope = NewDisposeScope();
        using var first = new FeatureStatistics(tensor(new double[] { 1, 2, 3 }), diag(tensor(new double[] { 1, 4, 9 })));
        using var second = new FeatureStatistics(tensor(new double[] { 0, 0, 1 }), diag(tensor(new double[] { 4, 1, 0.25 })));
        var terms = FrechetDistance.TermsFromStatistics(first, second);
        Assert.Equal(9.0, terms.MeanTerm, 12);
        Assert.Equal(8.25, terms.CovarianceTerm, 12);
        Assert.Equal(17.25, terms.Total, 12);
        Assert.Equal(14.0, terms.Trace1, 12);
        Assert.Equal(5.25, terms.Trace2, 12);
    }

    [Fact]
    public void FullCovariancesMatchScipySqrtm()
    {
        // Golden: tests/parity/evaluation_goldens.py ("FD full-covariance closed form").
        using var scope = NewDisposeScope();
        var a = tensor(new double[] { 2, .5, .1, .5, 1, .2, .1, .2, .5 }).reshape(3, 3);
        var b = tensor(new double[] { 1, -.3, 0, -.3, 2, .4, 0, .4, 1.5 }).reshape(3, 3);
        using var first = new FeatureStatistics(tensor(new double[] { 0.5, -1.0, 2.0 }), a);
        using var second = new FeatureStatistics(tensor(new double[] { 0.0, 0.5, 1.0 }), b);
        Assert.Equal(4.344831187062667, FrechetDistance.FromStatistics(first, second), 10);
    }

    [Fact]
    public void FeatureSetsMatchPytorchFidFormula()
    {
        // Golden: tests/parity/evaluation_goldens.py ("FD seed 11"), pytorch-fid's formula with np.cov and scipy sqrtm.
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var first = randn(new long[] { 64, 5 }, generator: generator);
        var second = randn(new long[] { 48, 5 }, generator: generator) * 1.5 + 0.3;
        Assert.Equal(1.549276000735885, FrechetDistance.Compute(first, second), 9);
    }

    [Fact]
    public void DistanceIsSymmetric()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(2);
        var first = randn(new long[] { 100, 6 }, generator: generator);
        var second = randn(new long[] { 80, 6 }, generator: generator) * 2 - 1;
        double forward = FrechetDistance.Compute(first, second);
        double backward = FrechetDistance.Compute(second, first);
        Assert.True(forward > 1);
        Assert.Equal(forward, backward, 9);
    }

    [Fact]
    public void SingularCovarianceWithFewerSamplesThanDimensionsStaysFinite()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var first = randn(new long[] { 5, 20 }, generator: generator);
        var second = randn(new long[] { 5, 20 }, generator: generator);
        double value = FrechetDistance.Compute(first, second);
        Assert.True(double.IsFinite(value) && value > 0);
        // Rank-4 covariance: rounding eigenvalues near 0 enter through a square root, hence the looser relative floor.
        using var statistics = FeatureStatistics.Of(first);
        double self = FrechetDistance.Compute(first, first);
        Assert.True(Math.Abs(self) < 1e-6 * statistics.Covariance.trace().item<double>(), $"FD of a singular set with itself: {self}");
    }

    [Fact]
    public void MismatchedDimensionsAreRejected()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => FrechetDistance.Compute(zeros(4, 3), zeros(4, 2)));
        Assert.Contains("same D", error.Message);
    }
}
