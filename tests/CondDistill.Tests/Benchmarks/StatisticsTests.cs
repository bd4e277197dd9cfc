using CondDistill.Benchmarks;

namespace CondDistill.Tests.Benchmarks;

public sealed class StatisticsTests
{
    [Fact]
    public void MedianOfOddAndEvenCounts()
    {
        Assert.Equal(3.0, Statistics.Median([5, 1, 3]));
        Assert.Equal(2.5, Statistics.Median([4, 1, 3, 2]));
        Assert.Equal(7.0, Statistics.Median([7]));
    }

    [Fact]
    public void MedianOfNothingThrows() => Assert.Throws<ArgumentException>(() => Statistics.Median([]));
}
