using System.CommandLine;
using System.Globalization;
using CondDistill.Benchmarks;
using CondDistill.Checkpoints;
using CondDistill.Experiments;
using CondDistill.Models;
using CondDistill.Runtime;

namespace CondDistill.Cli.Commands;

/// <summary>
/// <c>condistill bench</c>: ms per training step, ms per sampled image at 1, 4 and 50 DDIM steps,
/// peak memory and a leak probe, optionally the PyTorch twin's step time and the ratio; --json writes
/// every figure with its protocol. The measuring lives in CondDistill.Benchmarks.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = "UNet: 'default' (UNetConfig.FashionMnistDefault), 'teacher' (the shipped teacher's architecture, read from its metadata), 'tiny' (UNetConfig.Tiny), a UNet checkpoint (.safetensors: its architecture) or a file holding UNetConfig JSON.",
            DefaultValueFactory = _ => "default",
        };
        var batch = new Option<int>("--batch") { Description = "Images per training step.", DefaultValueFactory = _ => 64 };
        var warmUp = new Option<int>("--warmup") { Description = "Untimed training steps first.", DefaultValueFactory = _ => 3 };
        var steps = new Option<int>("--steps") { Description = "Timed training steps (median reported).", DefaultValueFactory = _ => 20 };
        var leakStart = new Option<long>("--leak-start") { Description = "Training step of the first resident-memory reading.", DefaultValueFactory = _ => 100 };
        var leakSteps = new Option<long>("--leak-steps")
        {
            Description = "Training step of the second reading (growth between the two should stay under 5 %); 0 skips the leak probe. The run lasts max(warmup + steps, this) steps.",
            DefaultValueFactory = _ => 1000,
        };
        var samplingSteps = new Option<string>("--sampling-steps")
        {
            Description = "Comma-separated DDIM step counts to time; 'none' skips sampling.",
            DefaultValueFactory = _ => string.Join(',', BenchmarkOptions.DefaultSamplingSteps),
        };
        var samplingBatch = new Option<int>("--sampling-batch") { Description = "Images per sampling call (ms per image = median call / batch).", DefaultValueFactory = _ => 64 };
        var samplingRuns = new Option<int>("--sampling-runs") { Description = "Timed sampling calls per step count (median reported).", DefaultValueFactory = _ => 3 };
        var pytorch = new Option<bool>("--pytorch") { Description = "Afterwards, time the same training step in PyTorch (tests/parity/bench_twin.py) and print the TorchSharp/PyTorch ratio." };
        var python = new Option<string>("--python") { Description = "Python interpreter with torch for --pytorch.", DefaultValueFactory = _ => PyTorchTwin.DefaultPython };
        var twinScript = new Option<string?>("--twin-script") { Description = "Path of bench_twin.py (default: found in tests/parity of this repository)." };
        var json = new Option<string?>("--json") { Description = "Also write every figure with its protocol to this JSON file." };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("bench", "Time a training step and sampling, probe memory for leaks, optionally compare with PyTorch.")
        {
            config, batch, warmUp, steps, leakStart, leakSteps, samplingSteps, samplingBatch, samplingRuns, pytorch, python, twinScript, json, seed, device, threads,
        };
        command.SetAction(parse =>
        {
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var training = new TrainingStepOptions(ParseConfig(parse.GetValue(config)!), parse.GetValue(batch), parse.GetValue(warmUp), parse.GetValue(steps),
                parse.GetValue(leakStart), parse.GetValue(leakSteps), parse.GetValue(seed));
            var options = new BenchmarkOptions(training, ParseStepCounts(parse.GetValue(samplingSteps)!), parse.GetValue(samplingBatch), parse.GetValue(samplingRuns),
                parse.GetValue(threads), parse.GetValue(pytorch), parse.GetValue(python)!, parse.GetValue(twinScript));
            var report = SpeedBenchmark.Run(options, torchDevice, note => Console.WriteLine("  " + note));
            foreach (var line in report.ToLines()) Console.WriteLine(line);
            string? jsonPath = parse.GetValue(json);
            if (jsonPath is not null)
            {
                string full = Path.GetFullPath(jsonPath);
                AtomicFile.WriteAllText(full, report.ToJson());
                Console.WriteLine($"wrote {full}");
            }
            return 0;
        });
        return command;
    }

    private static UNetConfig ParseConfig(string value) => value.Trim().ToLowerInvariant() switch
    {
        "default" => UNetConfig.FashionMnistDefault,
        "tiny" => UNetConfig.Tiny,
        "teacher" => ReadCheckpointConfig(ShippedCheckpoints.PathOf(ShippedCheckpoints.TeacherFile)),
        _ when File.Exists(value) && value.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) => ReadCheckpointConfig(value),
        _ when File.Exists(value) => UNetConfig.ReadFile(value),
        _ => throw new ArgumentException($"--config '{value}' is neither 'default', 'teacher', 'tiny', an existing UNet checkpoint nor an existing UNetConfig JSON file."),
    };

    private static UNetConfig ReadCheckpointConfig(string path)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"--config: checkpoint '{path}' not found. Fix: restore data/checkpoints/ or pass a UNet checkpoint or UNetConfig JSON file.");
        return ModelCheckpoint.ReadUNetConfig(path);
    }

    private static IReadOnlyList<int> ParseStepCounts(string value)
    {
        if (value.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)) return [];
        var counts = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
                throw new ArgumentException($"--sampling-steps: '{part}' is not a positive integer (expected e.g. 1,4,50 or none).");
            counts.Add(count);
        }
        return counts;
    }
}
