namespace CondDistill.Benchmarks;

/// <summary>What the PyTorch twin (tests/parity/bench_twin.py) reported, or why it could not run.</summary>
/// <param name="Available">Whether the twin ran and reported a median.</param>
/// <param name="MedianMilliseconds">Median PyTorch training step in milliseconds (null when unavailable).</param>
/// <param name="StepMilliseconds">Every timed PyTorch step (empty when unavailable).</param>
/// <param name="TorchVersion">PyTorch's version string (null when unavailable).</param>
/// <param name="Threads">Intra-op threads PyTorch used (null when unavailable).</param>
/// <param name="Message">Why the twin was unavailable and how to fix it; null when it ran.</param>
/// <param name="CommandLine">The command that was run, for the protocol.</param>
public sealed record PyTorchTwinResult(bool Available, double? MedianMilliseconds, IReadOnlyList<double> StepMilliseconds,
    string? TorchVersion, int? Threads, string? Message, string CommandLine)
{
    /// <summary>An unavailable result with its explanation.</summary>
    public static PyTorchTwinResult Unavailable(string message, string commandLine) => new(false, null, [], null, null, message, commandLine);
}
