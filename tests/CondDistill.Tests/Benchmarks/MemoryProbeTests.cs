using CondDistill.Benchmarks;

namespace CondDistill.Tests.Benchmarks;

public sealed class MemoryProbeTests
{
    private const string Status = "Name:\tdotnet\nVmPeak:\t 4200000 kB\nVmHWM:\t  812344 kB\nVmRSS:\t  700000 kB\nThreads:\t12\n";

    [Fact]
    public void ParsesKilobyteFieldsOfProcStatus()
    {
        Assert.Equal(700_000L * 1024, MemoryProbe.ParseStatusBytes(Status, "VmRSS"));
        Assert.Equal(812_344L * 1024, MemoryProbe.ParseStatusBytes(Status, "VmHWM"));
    }

    [Fact]
    public void AbsentOrUnitlessFieldsGiveNull()
    {
        Assert.Null(MemoryProbe.ParseStatusBytes(Status, "VmSwap"));
        Assert.Null(MemoryProbe.ParseStatusBytes(Status, "Threads"));
        Assert.Null(MemoryProbe.ParseStatusBytes(Status, "VmRS")); // a prefix of a field name is not the field
    }

    [Fact]
    public void ReadsPlausibleValuesForThisProcess()
    {
        long resident = MemoryProbe.ResidentBytes();
        long peak = MemoryProbe.PeakResidentBytes();
        // A .NET test host with libtorch loaded: tens of MiB at least, far below 64 GiB.
        Assert.InRange(resident, 20L << 20, 64L << 30);
        Assert.True(peak >= resident, $"peak {peak} < current {resident}");
        if (OperatingSystem.IsLinux())
        {
            long fromProc = MemoryProbe.ParseStatusBytes(File.ReadAllText("/proc/self/status"), "VmRSS")!.Value;
            Assert.InRange(fromProc, resident / 2, resident * 2); // same source, read a moment later
        }
    }

    [Theory]
    [InlineData(100, 104, 0.04, true)]
    [InlineData(100, 106, 0.06, false)]
    [InlineData(200, 150, -0.25, true)]
    public void GrowthFractionAndThreshold(long from, long to, double fraction, bool within)
    {
        var growth = new ResidentMemoryGrowth(100, 1000, from, to);
        Assert.Equal(fraction, growth.Fraction, 12);
        Assert.Equal(within, growth.WithinThreshold);
    }

    [Fact]
    public void LoadAverageIsTheFirstFieldOfProcLoadavg()
    {
        Assert.Equal(5.43, MachineDescription.ParseLoadAverage("5.43 5.07 5.95 3/412 31185\n"));
        Assert.Null(MachineDescription.ParseLoadAverage(""));
    }
}
