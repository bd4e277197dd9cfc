using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CondDistill.Benchmarks;

/// <summary>The figures of one <see cref="SpeedBenchmark.Run"/> with their protocol.</summary>
/// <param name="Protocol">How the run was made.</param>
/// <param name="Training">Training-step timing and the leak probe.</param>
/// <param name="Sampling">DDIM timing per step count (empty when not measured).</param>
/// <param name="PeakResidentBytes">Peak resident memory of the process at the end of the run (<see cref="MemoryProbe.PeakResidentBytes"/>:
/// VmHWM on Linux, never below a resident reading taken during the run).</param>
/// <param name="PyTorch">The PyTorch twin's training-step timing, or null when it was not requested.</param>
/// <param name="OtherProcessesCpuShare">Share of the machine's CPU other processes used during the TorchSharp measurements (Linux; <see cref="CpuShareMeter"/>).</param>
public sealed record BenchmarkReport(BenchmarkProtocol Protocol, TrainingStepMeasurement Training, IReadOnlyList<SamplingMeasurement> Sampling,
    long PeakResidentBytes, [property: JsonPropertyName("pytorch")] PyTorchTwinResult? PyTorch, double? OtherProcessesCpuShare = null)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>TorchSharp median step / PyTorch median step (above 1: TorchSharp slower); null without a PyTorch figure.</summary>
    [JsonPropertyName("torchsharp_to_pytorch_ratio")]
    public double? TorchSharpToPyTorchRatio => PyTorch?.MedianMilliseconds is double pytorch && pytorch > 0 ? Training.MedianMilliseconds / pytorch : null;

    /// <summary>The report as indented JSON (snake_case names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The report as the lines <c>condistill bench</c> prints.</summary>
    public IReadOnlyList<string> ToLines()
    {
        var p = Protocol;
        var m = p.Machine;
        string load = m.LoadAverage is double average ? average.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
        string contended = OtherProcessesCpuShare is double share
            ? Invariant($"; other processes used {share:P1} of the machine's CPU during the TorchSharp measurements{(share > ContendedShare ? " (CONTENDED)" : "")}")
            : m.LoadAverage > m.ProcessorCount / 2.0 ? " (CONTENDED: other processes were using the cores)" : "";
        var lines = new List<string>
        {
            Invariant($"protocol: commit {p.Commit}; {p.Threads} threads on {p.Device}; {m.ProcessorCount} processors; {m.OperatingSystem}; {m.Framework}; TorchSharp {m.TorchSharpVersion}; OMP_WAIT_POLICY={m.OmpWaitPolicy}; convolutions: {m.Convolutions ?? "not recorded"}; load average at start {load}{contended}"),
            Invariant($"model: UNet {p.Config.ToJson()}, {Training.ParameterCount:N0} parameters"),
            Invariant($"training step: median {Training.MedianMilliseconds:F1} ms over {p.TimedSteps} steps after {p.WarmUpSteps} warm-up (batch {p.TrainBatchSize}; {p.TrainingStep})"),
        };
        foreach (var s in Sampling)
            lines.Add(Invariant($"sampling: DDIM {s.Steps,2} step(s): {s.MillisecondsPerImage:F2} ms per image (median {s.MedianMillisecondsPerBatch:F0} ms per batch of {s.BatchSize}, {s.Runs} runs)"));
        lines.Add(Invariant($"memory: peak resident {Mib(PeakResidentBytes)}"));
        if (Training.MemoryGrowth is { } g)
        {
            string verdict = g.WithinThreshold ? "no leak: below" : "ABOVE the leak threshold of";
            lines.Add(Invariant($"memory: resident after step {g.FromStep} {Mib(g.FromBytes)}, after step {g.ToStep} {Mib(g.ToBytes)}: {g.Fraction:+0.0%;-0.0%} ({verdict} {ResidentMemoryGrowth.LeakThreshold:P0})"));
            var from = Training.MemoryReadings.FirstOrDefault(r => r.Step == g.FromStep);
            var to = Training.MemoryReadings.FirstOrDefault(r => r.Step == g.ToStep);
            if (from?.NativeHeap is { } a && to?.NativeHeap is { } b)
                lines.Add(Invariant(
                    $"memory: C heap in use (libtorch tensors) {Mib(a.InUseBytes)} -> {Mib(b.InUseBytes)}, freed but held by the allocator {Mib(a.FreeHeldBytes)} -> {Mib(b.FreeHeldBytes)}; managed heap {Mib(from.ManagedHeapBytes)} -> {Mib(to.ManagedHeapBytes)}"));
        }
        if (PyTorch is { } twin)
        {
            lines.Add(twin.Available
                ? Invariant($"pytorch twin: median {twin.MedianMilliseconds:F1} ms over {twin.StepMilliseconds.Count} steps (torch {twin.TorchVersion}, {twin.Threads} threads)")
                : $"pytorch twin: unavailable: {twin.Message}");
            if (TorchSharpToPyTorchRatio is double ratio)
                lines.Add(Invariant($"ratio TorchSharp/PyTorch training step: {ratio:F2} ({Training.MedianMilliseconds:F1} ms / {twin.MedianMilliseconds:F1} ms, measured one after the other)"));
        }
        return lines;
    }

    /// <summary>Above this share of the machine's CPU used by other processes, timings are flagged as contended.</summary>
    public const double ContendedShare = 0.10;

    private static string Mib(long bytes) => Invariant($"{bytes / 1048576.0:F0} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
