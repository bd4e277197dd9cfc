using CondDistill.Data;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using TorchSharp;

namespace CondDistill.Tests.Evaluation;

public sealed class NoiseCalibrationTests
{
    private static FeatureExtractor LoadShipped() => FeatureExtractorFile.Load(ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile));

    [Fact]
    public void ZeroNoiseIsTheRealFloorAndMoreNoiseIsFartherAway()
    {
        using var extractor = LoadShipped();
        var data = FashionMnist.Open();
        using var train = data.Load(DatasetSplit.Train, 0, 300);
        using var test = data.Load(DatasetSplit.Test, 0, 300);
        var points = NoiseCalibration.Measure(extractor, train.Images, test.Images, [0, 0.1, 0.3]);

        Assert.Equal([0, 12.75, 38.25], points.Select(p => p.GreyLevels));
        Assert.Equal(UnconditionalEvaluation.RealFloor(extractor, train.Images, test.Images), points[0].Distance.Total, 9);
        Assert.True(points[0].Distance.Total < points[1].Distance.Total && points[1].Distance.Total < points[2].Distance.Total,
            $"FD-FMNIST at sigma 0 / 0.1 / 0.3: {string.Join(" / ", points.Select(p => p.Distance.Total.ToString("F3")))}");
        foreach (var p in points)
            Assert.Equal(p.Distance.Total, p.Distance.MeanTerm + p.Distance.CovarianceTerm, 9);
    }

    [Fact]
    public void TheNoiseIsSeededSoAMeasurementRepeatsExactly()
    {
        using var extractor = LoadShipped();
        var data = FashionMnist.Open();
        using var train = data.Load(DatasetSplit.Train, 0, 100);
        using var test = data.Load(DatasetSplit.Test, 0, 200);
        var first = NoiseCalibration.Measure(extractor, train.Images, test.Images, [0.2]);
        var again = NoiseCalibration.Measure(extractor, train.Images, test.Images, [0.2]);
        Assert.Equal(first[0].Distance.Total, again[0].Distance.Total);
        var otherSeed = NoiseCalibration.Measure(extractor, train.Images, test.Images, [0.2], seedBase: 17);
        Assert.NotEqual(first[0].Distance.Total, otherSeed[0].Distance.Total);
    }

    [Fact]
    public void EquivalentSigmaInterpolatesBetweenTheBracketingPoints()
    {
        var points = new[]
        {
            Point(0, 1), Point(0.04, 41), Point(0.02, 5), // unsorted on purpose
        };
        Assert.Equal(0.03, NoiseCalibration.EquivalentSigma(points, 23)!.Value, 12);
        Assert.Equal(0.01, NoiseCalibration.EquivalentSigma(points, 3)!.Value, 12);
        Assert.Null(NoiseCalibration.EquivalentSigma(points, 50));
        Assert.Null(NoiseCalibration.EquivalentSigma(points, 0.5));
    }

    [Fact]
    public void NegativeOrMissingSigmasAreRefusedWithTheirValue()
    {
        using var extractor = LoadShipped();
        using var images = torch.zeros(4, 1, 28, 28);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => NoiseCalibration.Measure(extractor, images, images, [0.1, -0.2]));
        Assert.Contains("-0.2", negative.Message);
        Assert.Throws<ArgumentException>(() => NoiseCalibration.Measure(extractor, images, images, []));
    }

    private static NoiseCalibrationPoint Point(double sigma, double fd) =>
        new(sigma, sigma * 127.5, new FrechetDistanceTerms(0, fd, 0, 0));
}
