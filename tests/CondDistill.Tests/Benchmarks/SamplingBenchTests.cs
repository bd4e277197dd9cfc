using CondDistill.Benchmarks;
using CondDistill.Models;

namespace CondDistill.Tests.Benchmarks;

public sealed class SamplingBenchTests
{
    [Fact]
    public void OneMeasurementPerStepCountWithPerImageCost()
    {
        var results = SamplingBench.Measure(UNetConfig.Tiny, [1, 3], batchSize: 2, runs: 1);
        Assert.Equal([1, 3], results.Select(r => r.Steps));
        Assert.All(results, r =>
        {
            Assert.Equal((2, 1), (r.BatchSize, r.Runs));
            Assert.True(r.MedianMillisecondsPerBatch > 0);
            Assert.Equal(r.MedianMillisecondsPerBatch / 2, r.MillisecondsPerImage, 12);
        });
    }

    [Fact]
    public void RejectsZeroSteps() =>
        Assert.Contains("step counts", Assert.Throws<ArgumentException>(() => SamplingBench.Measure(UNetConfig.Tiny, [0])).Message);
}
