using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using CondDistill.Runtime;

namespace CondDistill.Benchmarks;

/// <summary>The machine a benchmark ran on, for the protocol.</summary>
/// <param name="ProcessorCount">Logical processors (<see cref="Environment.ProcessorCount"/>).</param>
/// <param name="OperatingSystem">OS description.</param>
/// <param name="Framework">.NET runtime description.</param>
/// <param name="TorchSharpVersion">Version of the TorchSharp assembly.</param>
/// <param name="OmpWaitPolicy">OpenMP wait policy in effect (the library sets PASSIVE unless the user chose one).</param>
/// <param name="Convolutions">The CPU convolution path in use (<see cref="OneDnn.Status"/>): oneDNN, or libtorch's reference convolutions where oneDNN failed its self-check; timings of the two differ several-fold.</param>
/// <param name="LoadAverage">One-minute load average when the run started (Linux; null elsewhere): above about half the processor count the timings are contended.</param>
public sealed record MachineDescription(int ProcessorCount, string OperatingSystem, string Framework, [property: JsonPropertyName("torchsharp_version")] string TorchSharpVersion,
    string OmpWaitPolicy, double? LoadAverage, string? Convolutions = null)
{
    /// <summary>Describes the current machine now.</summary>
    public static MachineDescription Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown",
        Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? TorchInitializer.DefaultOmpWaitPolicy,
        ReadLoadAverage(),
        OneDnn.Status);

    /// <summary>The first field of a /proc/loadavg text ("0.52 0.58 0.59 1/467 12345"), or null.</summary>
    public static double? ParseLoadAverage(string text) =>
        double.TryParse(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double load)
            ? load : null;

    private static double? ReadLoadAverage() =>
        System.OperatingSystem.IsLinux() && File.Exists("/proc/loadavg") ? ParseLoadAverage(File.ReadAllText("/proc/loadavg")) : null;
}
