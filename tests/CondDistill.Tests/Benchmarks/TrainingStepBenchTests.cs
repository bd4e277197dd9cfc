using CondDistill.Benchmarks;
using CondDistill.Models;

namespace CondDistill.Tests.Benchmarks;

/// <summary>Smoke tests with the tiny UNet and a handful of steps; no timing thresholds (timings depend on the machine's load).</summary>
public sealed class TrainingStepBenchTests
{
    /// <summary>Parameters of UNetConfig.Tiny, counted independently by the PyTorch twin (tests/parity/unet_golden.py prints 71033).</summary>
    private const long TinyParameters = 71_033;

    [Fact]
    public void FillsEveryFigureAndProbesMemory()
    {
        var options = new TrainingStepOptions(UNetConfig.Tiny, BatchSize: 2, WarmUpSteps: 1, TimedSteps: 3, LeakFromStep: 2, LeakToStep: 5);
        Assert.Equal(5, options.TotalSteps);
        var result = TrainingStepBench.Measure(options);

        Assert.Equal(TinyParameters, result.ParameterCount);
        Assert.Equal(2, result.BatchSize);
        Assert.Equal(3, result.StepMilliseconds.Count);
        Assert.All(result.StepMilliseconds, ms => Assert.True(ms > 0));
        Assert.Equal(result.StepMilliseconds.Order().ElementAt(1), result.MedianMilliseconds);
        Assert.True(double.IsFinite(result.FinalLoss) && result.FinalLoss > 0, $"loss {result.FinalLoss}");
        var growth = Assert.IsType<ResidentMemoryGrowth>(result.MemoryGrowth);
        Assert.Equal((2, 5), (growth.FromStep, growth.ToStep));
        Assert.True(growth.FromBytes > 0 && growth.ToBytes > 0);
        Assert.True(double.IsFinite(growth.Fraction));
        // Readings at the probe's two steps (the 100-step interval is never reached in 5 steps).
        Assert.Equal([2L, 5L], result.MemoryReadings.Select(r => r.Step));
        Assert.Equal(growth.FromBytes, result.MemoryReadings[0].ResidentBytes);
        Assert.Equal(growth.ToBytes, result.MemoryReadings[1].ResidentBytes);
        Assert.All(result.MemoryReadings, r => Assert.True(r.ManagedHeapBytes > 0));
    }

    [Fact]
    public void LeakProbeOffGivesNoGrowth()
    {
        var result = TrainingStepBench.Measure(new TrainingStepOptions(UNetConfig.Tiny, BatchSize: 1, WarmUpSteps: 0, TimedSteps: 1, LeakToStep: 0));
        Assert.Null(result.MemoryGrowth);
        Assert.Empty(result.MemoryReadings);
        Assert.Single(result.StepMilliseconds);
    }

    [Theory]
    [InlineData(0, 5, 0, 0, "batch size")]
    [InlineData(2, 0, 0, 0, "timed steps")]
    [InlineData(2, 5, 10, 10, "--leak-start")]
    [InlineData(2, 5, 0, 10, "--leak-start")]
    public void InvalidOptionsNameTheProblem(int batch, int timed, long leakFrom, long leakTo, string expected)
    {
        var options = new TrainingStepOptions(UNetConfig.Tiny, batch, 0, timed, leakFrom, leakTo);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(expected, error.Message);
    }
}
