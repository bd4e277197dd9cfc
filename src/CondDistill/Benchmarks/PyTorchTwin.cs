using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CondDistill.Benchmarks;

/// <summary>
/// Runs the PyTorch twin of the training step (tests/parity/bench_twin.py, the same UNet, loss,
/// clipping, AdamW and EMA in PyTorch) as a subprocess, after the TorchSharp measurement and never
/// concurrently with it, and reads the JSON line it prints last. A missing Python or PyTorch gives
/// an unavailable result whose message says how to install it, not an exception.
/// </summary>
public static class PyTorchTwin
{
    /// <summary>The twin script, relative to the repository root.</summary>
    public static readonly string ScriptRelativePath = Path.Combine("tests", "parity", "bench_twin.py");

    /// <summary>Debian's Python, which carries python3-torch.</summary>
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>How to get PyTorch for the twin.</summary>
    public const string InstallHint = "install PyTorch for the system Python with 'apt-get install python3-torch' (Debian/Ubuntu), or pass --python with an interpreter that has torch";

    /// <summary>The twin script found walking up from the program's folder, then from the current directory; null when not found.</summary>
    public static string? LocateScript()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, ScriptRelativePath);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>The twin's command-line arguments for the step described by <paramref name="options"/> at <paramref name="threads"/> threads.</summary>
    public static IReadOnlyList<string> Arguments(string script, TrainingStepOptions options, int threads)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = TrainingStepOptions.PretrainingDefaults;
        string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        return
        [
            script, "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--steps", options.TimedSteps.ToString(CultureInfo.InvariantCulture),
            "--warmup", options.WarmUpSteps.ToString(CultureInfo.InvariantCulture),
            "--batch", options.BatchSize.ToString(CultureInfo.InvariantCulture),
            "--seed", options.Seed.ToString(CultureInfo.InvariantCulture),
            "--config", options.Config.ToJson(),
            "--schedule", settings.Schedule,
            "--lr", F(settings.LearningRate), "--weight-decay", F(settings.WeightDecay), "--max-grad-norm", F(settings.MaxGradNorm),
            "--ema-decay", F(settings.EmaDecay), "--ema-warmup", settings.EmaWarmUp ? "1" : "0",
        ];
    }

    /// <summary>Runs the twin and waits for it (at most <paramref name="timeout"/>).</summary>
    /// <param name="python">The Python interpreter (e.g. <see cref="DefaultPython"/>).</param>
    /// <param name="script">Path of bench_twin.py; null looks it up with <see cref="LocateScript"/>.</param>
    /// <param name="options">The step to time (config, batch, warm-up, timed steps, seed; the leak probe is not repeated).</param>
    /// <param name="threads">PyTorch intra-op threads (use the TorchSharp measurement's count).</param>
    /// <param name="timeout">Longest wait before the twin is killed.</param>
    public static PyTorchTwinResult Run(string python, string? script, TrainingStepOptions options, int threads, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(python);
        script ??= LocateScript();
        if (script is null || !File.Exists(script))
            return PyTorchTwinResult.Unavailable(
                $"PyTorch twin script not found ({script ?? ScriptRelativePath} walking up from '{AppContext.BaseDirectory}' and the current directory); run from the repository or pass --twin-script.", python);
        var arguments = Arguments(script, options, threads);
        string commandLine = python + " " + string.Join(' ', arguments.Select(a => a.Contains(' ') || a.Contains('"') ? "'" + a + "'" : a));
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process? process;
        try { process = Process.Start(start); }
        catch (Win32Exception e)
        {
            return PyTorchTwinResult.Unavailable($"PyTorch twin not run: cannot start '{python}' ({e.Message}); {InstallHint}.", commandLine);
        }
        if (process is null) return PyTorchTwinResult.Unavailable($"PyTorch twin not run: '{python}' did not start; {InstallHint}.", commandLine);
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return PyTorchTwinResult.Unavailable($"PyTorch twin killed after {timeout.TotalMinutes:F0} min without finishing.", commandLine);
            }
            string errors = stderr.GetAwaiter().GetResult();
            string output = stdout.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                string tail = string.Join(" | ", errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
                return errors.Contains("No module named 'torch'", StringComparison.Ordinal)
                    ? PyTorchTwinResult.Unavailable($"PyTorch twin not run: '{python}' has no torch module; {InstallHint}.", commandLine)
                    : PyTorchTwinResult.Unavailable($"PyTorch twin failed (exit {process.ExitCode}): {tail}", commandLine);
            }
            return ParseOutput(output, commandLine);
        }
    }

    /// <summary>
    /// Reads the twin's last stdout line, a JSON object with "median_ms", "step_ms", "torch_version"
    /// and "threads"; an unparsable output gives an unavailable result quoting it.
    /// </summary>
    public static PyTorchTwinResult ParseOutput(string stdout, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        string? last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (last is null) return PyTorchTwinResult.Unavailable("PyTorch twin printed nothing on stdout (expected a JSON line with median_ms).", commandLine);
        try
        {
            using var json = JsonDocument.Parse(last);
            var root = json.RootElement;
            var steps = root.GetProperty("step_ms").EnumerateArray().Select(e => e.GetDouble()).ToList();
            return new PyTorchTwinResult(true, root.GetProperty("median_ms").GetDouble(), steps,
                root.GetProperty("torch_version").GetString(), root.GetProperty("threads").GetInt32(), null, commandLine);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return PyTorchTwinResult.Unavailable($"PyTorch twin output not understood ({e.Message}): '{last}'.", commandLine);
        }
    }
}
