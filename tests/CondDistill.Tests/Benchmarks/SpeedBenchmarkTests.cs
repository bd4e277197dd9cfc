using System.Diagnostics;
using System.Text.Json;
using CondDistill.Benchmarks;
using CondDistill.Models;

namespace CondDistill.Tests.Benchmarks;

public sealed class SpeedBenchmarkTests
{
    private static BenchmarkOptions Tiny(bool pytorch = false, string python = PyTorchTwin.DefaultPython) => new(
        new TrainingStepOptions(UNetConfig.Tiny, BatchSize: 2, WarmUpSteps: 1, TimedSteps: 2, LeakFromStep: 2, LeakToStep: 4),
        [1, 2], SamplingBatchSize: 2, SamplingRuns: 1, Threads: 1, RunPyTorchTwin: pytorch, Python: python);

    [Fact]
    public void ReportCarriesFiguresAndProtocol()
    {
        int threadsBefore = TorchSharp.torch.get_num_threads();
        var report = SpeedBenchmark.Run(Tiny(), TorchSharp.torch.CPU);

        Assert.Equal(threadsBefore, TorchSharp.torch.get_num_threads()); // restored
        Assert.Equal(1, report.Protocol.Threads);
        Assert.Equal(UNetConfig.Tiny, report.Protocol.Config);
        Assert.Equal(Environment.ProcessorCount, report.Protocol.Machine.ProcessorCount);
        Assert.False(string.IsNullOrEmpty(report.Protocol.Commit));
        Assert.True(report.Training.MedianMilliseconds > 0);
        Assert.Equal([1, 2], report.Sampling.Select(s => s.Steps));
        Assert.True(report.PeakResidentBytes >= report.Training.MemoryGrowth!.ToBytes);
        Assert.Null(report.PyTorch);
        Assert.Null(report.TorchSharpToPyTorchRatio);

        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("protocol").GetProperty("threads").GetInt32());
        Assert.Equal(8, root.GetProperty("protocol").GetProperty("config").GetProperty("base_channels").GetInt32());
        Assert.Equal(report.Training.MedianMilliseconds, root.GetProperty("training").GetProperty("median_milliseconds").GetDouble());
        Assert.Equal(2, root.GetProperty("sampling").GetArrayLength());
        Assert.True(root.GetProperty("sampling")[0].GetProperty("milliseconds_per_image").GetDouble() > 0);
        Assert.True(root.GetProperty("training").GetProperty("memory_growth").GetProperty("from_bytes").GetInt64() > 0);
        Assert.Contains(report.ToLines(), l => l.StartsWith("training step: median", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingPyTorchIsReportedNotThrown()
    {
        var report = SpeedBenchmark.Run(Tiny(pytorch: true, python: "/nonexistent/python3") with { SamplingSteps = [] }, TorchSharp.torch.CPU);
        Assert.False(report.PyTorch!.Available);
        Assert.Null(report.TorchSharpToPyTorchRatio);
        Assert.Contains(report.ToLines(), l => l.Contains("apt-get install python3-torch", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(report.ToJson());
        Assert.False(json.RootElement.GetProperty("pytorch").GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("torchsharp_to_pytorch_ratio").ValueKind);
    }

    [Fact]
    public void CliBenchWritesJson()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "condistill.dll"), "bench", "--config", "tiny", "--batch", "1", "--warmup", "0",
                     "--steps", "1", "--leak-start", "1", "--leak-steps", "2", "--sampling-steps", "1", "--sampling-batch", "1", "--sampling-runs", "1",
                     "--threads", "1", "--json", path })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        Assert.Contains("training step: median", output);
        Assert.Contains("sampling: DDIM  1 step(s)", output);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(2, json.RootElement.GetProperty("training").GetProperty("memory_growth").GetProperty("to_step").GetInt64());
        File.Delete(path);
    }
}
