using System.CommandLine;
using CondDistill.Experiments;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill average-snapshots</c>: the parameter-wise mean of a pretraining run's EMA snapshots over a window of steps.</summary>
internal static class AverageSnapshotsCommand
{
    public static Command Create()
    {
        var runOption = new Option<string>("--run") { Description = "Pretraining run folder (holds config.json and snapshots/).", Required = true };
        var from = new Option<long>("--from") { Description = "First snapshot step of the window (included).", Required = true };
        var to = new Option<long>("--to") { Description = "Last snapshot step of the window (included); the average is labelled with this step.", Required = true };
        var output = new Option<string>("--out") { Description = "Output UNet checkpoint (.safetensors), written atomically.", Required = true };
        var command = new Command("average-snapshots", "Post-hoc weight average: the parameter-wise mean of every EMA snapshot of a run from --from to --to (all of them must be present at the run's snapshot interval), saved as a UNet checkpoint that evaluate, calibrate-fd, probe-denoising and train (as its teacher) load like any other.")
        {
            runOption, from, to, output,
        };
        command.SetAction(parse =>
        {
            var run = new RunFolder(Path.GetFullPath(parse.GetValue(runOption)!));
            string outputPath = Path.GetFullPath(parse.GetValue(output)!);
            if (!outputPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--out '{outputPath}' must end in .safetensors.");
            var steps = SnapshotAverage.Write(run, parse.GetValue(from), parse.GetValue(to), outputPath);
            Console.WriteLine($"averaged {steps.Count} EMA snapshots of {run.Root} (steps {string.Join(", ", steps)}) -> {outputPath}");
            return 0;
        });
        return command;
    }
}
