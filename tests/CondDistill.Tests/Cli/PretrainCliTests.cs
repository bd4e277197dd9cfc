using System.Diagnostics;
using CondDistill.Checkpoints;
using CondDistill.Models;
using CondDistill.Tests.Data;
using CondDistill.Training;

namespace CondDistill.Tests.Cli;

/// <summary><c>condistill pretrain</c> as a user runs it (the training itself is tested in Training/PretrainerTests).</summary>
public sealed class PretrainCliTests
{
    [Fact]
    public void PlanPrintsTheScheduleAndTheEmaReachAndTrainsNothing()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"cli-pretrain-plan-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            string config = Path.Combine(directory, "config.json");
            File.WriteAllText(config, (new PretrainConfig() with { MaxTrainSteps = 48_000, EmaDecay = 0.9999, EmaWarmUp = true }).ToJson());
            string run = Path.Combine(directory, "run");
            var (code, output, error) = CliProcess.Run("pretrain", "--config", config, "--out", run, "--plan", "--max-train-steps", "12000");
            Assert.True(code == 0, error);
            Assert.Contains("pretrain: 12000 steps, batch 64", output);
            Assert.Contains("EMA decay 0.9999 with warm-up: at step 12000 the average's mean age is 1200 steps", output);
            Assert.False(Directory.Exists(run), "--plan must not create the run folder");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SigtermFinishesTheStepAndWritesACheckpointBeforeExiting()
    {
        using var data = SyntheticFashionMnist.Create(trainCount: 8, testCount: 2);
        string directory = Directory.CreateTempSubdirectory("cli-pretrain-sigterm").FullName;
        try
        {
            string config = Path.Combine(directory, "config.json");
            File.WriteAllText(config, (new PretrainConfig
            {
                MaxTrainSteps = 1_000_000, TrainBatchSize = 4, TrainImages = 8, Model = UNetConfig.Tiny, LoggingSteps = 1,
                CheckpointingSteps = 1_000_000, SnapshotSteps = 0, ValidationSteps = 0,
            }).ToJson());
            string run = Path.Combine(directory, "run");
            using var process = CliProcess.Start("pretrain", "--config", config, "--out", run, "--data", data.Folder, "--threads", "1");
            var stderr = process.StandardError.ReadToEndAsync();
            var output = new List<string>();
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
            {
                output.Add(line);
                if (line.StartsWith('[')) break; // the first progress line: training is under way
            }
            if (line is null) Assert.Fail("no progress line before exit: " + string.Join("\n", output) + await stderr);
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            output.AddRange((await process.StandardOutput.ReadToEndAsync()).Split('\n'));
            using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2))) await process.WaitForExitAsync(timeout.Token);

            string all = string.Join("\n", output), errors = await stderr;
            Assert.True(process.ExitCode == 0, all + errors);
            Assert.Contains("SIGTERM received", errors);
            string stopNote = output.Single(l => l.Contains("stop requested: stopping at step ")).Trim();
            long step = long.Parse(stopNote["stop requested: stopping at step ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"checkpoint at step {step}:", all);
            Assert.Contains($"pretrain: stopped at step {step} of 1000000", all);
            Assert.Equal(step.ToString(System.Globalization.CultureInfo.InvariantCulture),
                SafetensorsFile.ReadMetadata(Path.Combine(run, "checkpoints", "latest.safetensors"))["step"]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
