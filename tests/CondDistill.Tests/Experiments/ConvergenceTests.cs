using CondDistill.Experiments;

namespace CondDistill.Tests.Experiments;

public sealed class ConvergenceTests
{
    [Fact]
    public void Compares_the_last_snapshot_at_or_before_three_quarters_with_the_last()
    {
        // 20,000 steps: 3/4 is 15,000, so the 14,000 snapshot is the start of the last quarter.
        var curve = new (long, double)[] { (20_000, 72.0), (2_000, 342.7), (14_000, 80.0), (16_000, 76.0), (8_000, 102.9) };
        var c = Convergence.OfLastQuarter(curve)!;
        Assert.Equal((14_000L, 20_000L, 80.0, 72.0), (c.FromStep, c.ToStep, c.FromFd, c.ToFd));
        Assert.Equal(0.10, c.Gain, 12);
        Assert.False(c.StoppedImproving); // exactly 10 % is not below 10 %
    }

    [Fact]
    public void A_snapshot_exactly_at_three_quarters_counts_and_a_small_gain_has_stopped()
    {
        var c = Convergence.OfLastQuarter([(6_000, 100.0), (9_000, 97.0), (12_000, 95.0)])!;
        Assert.Equal(9_000, c.FromStep);
        Assert.Equal((97.0 - 95.0) / 97.0, c.Gain, 12);
        Assert.True(c.StoppedImproving);
        Assert.True(Convergence.OfLastQuarter([(6_000, 90.0), (8_000, 95.0)])!.Gain < 0); // got worse: stopped
    }

    [Fact]
    public void Too_few_points_give_no_verdict()
    {
        Assert.Null(Convergence.OfLastQuarter([(2_000, 300.0)]));
        Assert.Null(Convergence.OfLastQuarter([(1_900, 300.0), (2_000, 290.0)])); // nothing at or before 1,500
    }
}
