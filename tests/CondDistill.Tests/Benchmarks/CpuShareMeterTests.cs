using CondDistill.Benchmarks;

namespace CondDistill.Tests.Benchmarks;

/// <summary>The share of CPU other processes used, from /proc texts.</summary>
public sealed class CpuShareMeterTests
{
    [Fact]
    public void ProcStatGivesBusyAndTotalWithIdleAndIowaitNotBusy()
    {
        const string text = "cpu  100 5 50 800 20 0 5 0 0 0\ncpu0 50 2 25 400 10 0 3 0 0 0\nintr 1 2 3\n";
        Assert.Equal((160L, 980L), CpuShareMeter.ParseProcStat(text));
        Assert.Null(CpuShareMeter.ParseProcStat("intr 1 2 3\n"));
    }

    [Fact]
    public void OwnStatReadsUtimePlusStimeEvenWhenTheCommandHasSpaces()
    {
        const string text = "4242 (dotnet host) R 1 4242 4242 0 -1 4194560 100 0 0 0 700 35 0 0 20 0 9 0 123 456 789";
        Assert.Equal(735L, CpuShareMeter.ParseOwnStat(text));
    }

    [Fact]
    public void ShareIsOtherBusyTimeOverAllTime()
    {
        // 1,000 jiffies passed on the machine, 900 busy, 600 of them ours: others used 30 %.
        Assert.Equal(0.3, CpuShareMeter.Share((0, 0), (900, 1000), 100, 700), 12);
        Assert.Equal(0.0, CpuShareMeter.Share((0, 0), (500, 1000), 0, 600)); // clamped, never negative
        Assert.Equal(0.0, CpuShareMeter.Share((5, 5), (5, 5), 0, 0));
        var meter = CpuShareMeter.Start();
        if (OperatingSystem.IsLinux()) Assert.InRange(meter.OtherProcessesShare()!.Value, 0.0, 1.0);
    }
}
