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
}
