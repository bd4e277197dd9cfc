using CondDistill.Training;

namespace CondDistill.Tests.Training;

public sealed class ThroughputMeterTests
{
    [Fact]
    public void RateAndEtaComeFromTheWindowNotTheWholeRun()
    {
        var now = TimeSpan.Zero;
        var meter = new ThroughputMeter(windowSize: 3, clock: () => now);
        meter.Mark(0);
        now = TimeSpan.FromSeconds(100); meter.Mark(1);   // slow warm-up step
        now = TimeSpan.FromSeconds(101); meter.Mark(2);
        now = TimeSpan.FromSeconds(102); meter.Mark(3);   // window now holds steps 1..3

        Assert.Equal(1.0, meter.StepsPerSecond, 12);
        Assert.Equal(TimeSpan.FromSeconds(7), meter.Eta(3, 10));
    }

    [Fact]
    public void NoRateBeforeTwoMarks()
    {
        var meter = new ThroughputMeter(clock: () => TimeSpan.Zero);
        meter.Mark(5);
        Assert.Equal(0, meter.StepsPerSecond);
        Assert.Equal(TimeSpan.Zero, meter.Eta(5, 10));
    }

    [Fact]
    public void ProgressLineShowsStepLossesRateAndEta()
    {
        var progress = new TrainingProgress(250, 1000,
            new[] { KeyValuePair.Create("loss", 0.1234567), KeyValuePair.Create("d_x", 2.0) }, 3.5, TimeSpan.FromSeconds(3725));
        Assert.Equal("[######..................] 250/1000  25% loss=0.1235 d_x=2 3.50 steps/s ETA 1h02m", progress.Format());
    }
}
