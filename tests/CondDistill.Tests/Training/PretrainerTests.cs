using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Experiments;
using CondDistill.Models;
using CondDistill.Tests.Data;
using CondDistill.Tests.Models;
using CondDistill.Training;
using TorchSharp;

namespace CondDistill.Tests.Training;

public sealed class PretrainerTests
{
    private static PretrainConfig Tiny(long steps) => new()
    {
        Seed = 3, MaxTrainSteps = steps, TrainBatchSize = 4, TrainImages = 12, Model = UNetConfig.Tiny,
        CheckpointingSteps = 100, SnapshotSteps = 2, ValidationSteps = 0, ValidationImages = 2, ValidationSamplingSteps = 2,
        LoggingSteps = 1, LearningRateWarmupSteps = 2,
    };

    /// <summary>Runs <paramref name="test"/> on a small synthetic dataset in a temporary folder that is removed afterwards.</summary>
    private static void InTempRoot(Action<FashionMnist, string> test)
    {
        using var data = SyntheticFashionMnist.Create(trainCount: 12, testCount: 2);
        string root = Directory.CreateTempSubdirectory("pretrain").FullName;
        try { test(FashionMnist.Open(data.Folder), root); }
        finally { Directory.Delete(root, recursive: true); }
    }

    /// <summary>Every parameter of two UNet checkpoints is bit-identical.</summary>
    private static void AssertSameWeights(string pathA, string pathB)
    {
        using var a = ModelCheckpoint.LoadUNet(pathA);
        using var b = ModelCheckpoint.LoadUNet(pathB);
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(TensorCompare.Same(pa, pb), $"parameter {name} differs between {pathA} and {pathB}");
    }

    [Fact]
    public void AStopRequestFinishesTheStepAndCheckpointsItSoAResumeLosesNothing()
    {
        InTempRoot((fashion, root) =>
        {
            var straight = new RunFolder(Path.Combine(root, "straight"));
            var stopped = new RunFolder(Path.Combine(root, "stopped"));
            Assert.Equal(6, new Pretrainer(Tiny(6), straight, torch.CPU).Run(fashion, resume: true));

            using var stop = new CancellationTokenSource();
            var notes = new List<string>();
            var trainer = new Pretrainer(Tiny(6), stopped, torch.CPU)
            {
                OnProgress = p => { if (p.Step == 2) stop.Cancel(); }, // arrives while step 2 is logged
                OnNote = notes.Add,
            };
            Assert.Equal(3, trainer.Run(fashion, resume: true, stopRequested: stop.Token)); // seen when the next step ends
            Assert.Contains("stop requested: stopping at step 3", notes);
            Assert.Equal("3", SafetensorsFile.ReadMetadata(stopped.LatestCheckpointPath)["step"]); // checkpointing_steps is 100
            Assert.Equal(3, new MetricsLog(stopped.MetricsPath).Read().Count);

            Assert.Equal(6, new Pretrainer(Tiny(6), stopped, torch.CPU).Run(fashion, resume: true));
            AssertSameWeights(straight.FinalEmaPath, stopped.FinalEmaPath);
        });
    }

    [Fact]
    public void ANonFiniteLossStopsTheRunAndLeavesTheLastCheckpointUntouched()
    {
        InTempRoot((fashion, root) =>
        {
            var run = new RunFolder(root);
            // Adam moves each weight by about the learning rate: 1e30 overflows the next forward pass.
            var exploding = Tiny(6) with { LearningRate = 1e30, LearningRateWarmupSteps = 0, CheckpointingSteps = 1 };
            var error = Assert.Throws<NonFiniteTrainingException>(() => new Pretrainer(exploding, run, torch.CPU).Run(fashion, resume: true));
            Assert.Equal(2, error.Step);
            Assert.False(double.IsFinite(error.Loss) && double.IsFinite(error.GradientNorm));
            Assert.Contains(run.LatestCheckpointPath, error.Message);
            Assert.Equal("1", SafetensorsFile.ReadMetadata(run.LatestCheckpointPath)["step"]);
            using var state = SafetensorsFile.Read(run.LatestCheckpointPath);
            Assert.All(state.Tensors.Values.Where(t => t.is_floating_point()), t => Assert.True(t.isfinite().all().item<bool>()));
        });
    }

    [Fact]
    public void KillAndResumeGivesTheSameWeightsEmaAndMetricsAsAnUninterruptedRun()
    {
        InTempRoot((fashion, root) =>
        {
            var straight = new RunFolder(Path.Combine(root, "straight"));
            var resumed = new RunFolder(Path.Combine(root, "resumed"));
            Assert.Equal(6, new Pretrainer(Tiny(6), straight, torch.CPU).Run(fashion, resume: true));
            Assert.Equal(3, new Pretrainer(Tiny(6), resumed, torch.CPU).Run(fashion, resume: true, stopAfterSteps: 3));
            Assert.False(File.Exists(resumed.FinalEmaPath)); // stopped early: no final weights yet
            Assert.Equal(6, new Pretrainer(Tiny(6), resumed, torch.CPU).Run(fashion, resume: true));

            foreach (string file in new[] { "ema.safetensors", "online.safetensors" })
                AssertSameWeights(Path.Combine(straight.Root, file), Path.Combine(resumed.Root, file));
            var lossesStraight = new MetricsLog(straight.MetricsPath).Read().Select(r => (double)r["loss"]!).ToList();
            var lossesResumed = new MetricsLog(resumed.MetricsPath).Read().Select(r => (double)r["loss"]!).ToList();
            Assert.Equal(6, lossesStraight.Count);
            Assert.Equal(lossesStraight, lossesResumed);
            Assert.Equal(new long[] { 2, 4, 6 }, straight.Snapshots().Select(s => s.Step));
        });
    }

    [Fact]
    public void ResumingWithAnotherConfigIsRefusedNamingTheConfigFile()
    {
        InTempRoot((fashion, root) =>
        {
            var run = new RunFolder(root);
            new Pretrainer(Tiny(2), run, torch.CPU).Run(fashion, resume: true, stopAfterSteps: 1);
            var error = Assert.Throws<InvalidOperationException>(() =>
                new Pretrainer(Tiny(2) with { LearningRate = 1e-2 }, run, torch.CPU).Run(fashion, resume: true));
            Assert.Contains(run.ConfigPath, error.Message);
            // Extending the run is allowed.
            Assert.Equal(3, new Pretrainer(Tiny(3), run, torch.CPU).Run(fashion, resume: true));
            // Shortening it below its step trains nothing and is not a schedule change of the steps it keeps.
            Assert.Equal(3, new Pretrainer(Tiny(2) with { LearningRateDecaySteps = 0 }, run, torch.CPU).Run(fashion, resume: true));
        });
    }

    [Fact]
    public void A_decay_chosen_on_resume_keeps_the_steps_taken_and_one_reaching_back_is_refused()
    {
        InTempRoot((fashion, root) =>
        {
            // Planned with a constant rate, decayed over the last 3 of 6 steps once 3 were taken:
            // the same weights as a run that had the decay from the start.
            var planned = new RunFolder(Path.Combine(root, "planned"));
            var late = new RunFolder(Path.Combine(root, "late"));
            Assert.Equal(6, new Pretrainer(Tiny(6) with { LearningRateDecaySteps = 3 }, planned, torch.CPU).Run(fashion, resume: true));
            Assert.Equal(3, new Pretrainer(Tiny(6), late, torch.CPU).Run(fashion, resume: true, stopAfterSteps: 3));
            // Dropping to a held end rate from step 2 would change a step already taken.
            var tooEarly = Assert.Throws<InvalidOperationException>(() =>
                new Pretrainer(Tiny(6) with { LearningRateEnd = 1e-4, LearningRateHoldSteps = 4 }, late, torch.CPU).Run(fashion, resume: true));
            Assert.Contains("is at step 3", tooEarly.Message);
            Assert.Contains("from step 2 on", tooEarly.Message);
            // A decay over the last 4 steps starts at step 2 but at the peak itself (peak * 4 / 4): steps 0..2 keep their
            // rates, so it is accepted; the check compares rates, not where the decay formally starts.
            Assert.Null(LearningRateSchedule.FirstDifferingStep(Tiny(6).LearningRateAt, (Tiny(6) with { LearningRateDecaySteps = 4 }).LearningRateAt, 3));
            Assert.Equal(3, LearningRateSchedule.FirstDifferingStep(Tiny(6).LearningRateAt, (Tiny(6) with { LearningRateDecaySteps = 4 }).LearningRateAt, 4));
            Assert.Equal(6, new Pretrainer(Tiny(6) with { LearningRateDecaySteps = 3 }, late, torch.CPU).Run(fashion, resume: true));

            AssertSameWeights(planned.FinalEmaPath, late.FinalEmaPath);
            var rates = new MetricsLog(late.MetricsPath).Read().Select(r => (double)r["lr"]!).ToList();
            Assert.Equal(3, rates.Count(lr => lr < Tiny(6).LearningRate)); // warm-up step 0 and decay steps 4 and 5
            Assert.Equal(Tiny(6).LearningRate / 3, rates[^1], 12); // the last step at a third of the peak
        });
    }

    [Fact]
    public void A_decay_to_a_held_end_rate_set_on_resume_trains_the_last_steps_at_that_rate()
    {
        InTempRoot((fashion, root) =>
        {
            var late = new RunFolder(Path.Combine(root, "late"));
            var planned = new RunFolder(Path.Combine(root, "planned"));
            var schedule = Tiny(8) with { LearningRateDecaySteps = 2, LearningRateEnd = 1e-4, LearningRateHoldSteps = 3 };
            Assert.Equal(3, new Pretrainer(Tiny(8), late, torch.CPU).Run(fashion, resume: true, stopAfterSteps: 3));
            Assert.Equal(8, new Pretrainer(schedule, late, torch.CPU).Run(fashion, resume: true));
            Assert.Equal(8, new Pretrainer(schedule, planned, torch.CPU).Run(fashion, resume: true));

            var rates = new MetricsLog(late.MetricsPath).Read().Select(r => (double)r["lr"]!).ToArray();
            double peak = Tiny(8).LearningRate;
            // Warm-up 2, stable to step 3, decay over steps 3 and 4 (1e-4 + (peak - 1e-4) * 2 / 2 and * 1 / 2), hold 5..7.
            Assert.Equal(new[] { peak * 1 / 2, peak * 2 / 2, peak, 1e-4 + (peak - 1e-4) * 2 / 2, 1e-4 + (peak - 1e-4) * 1 / 2, 1e-4, 1e-4, 1e-4 }, rates);
            AssertSameWeights(planned.FinalEmaPath, late.FinalEmaPath);
            Assert.Contains("then held to step 8", schedule.DescribeSchedule());
        });
    }

    [Fact]
    public void The_schedule_in_words_gives_the_steps_where_the_rate_changes()
    {
        Assert.Equal("learning rate 0.0004 after 2 warm-up steps, constant", Tiny(100).DescribeSchedule());
        Assert.Equal("learning rate 0.0004 after 2 warm-up steps, linear decay from step 50 to 0.0001 at step 80, then held to step 100",
            (Tiny(100) with { LearningRateDecaySteps = 30, LearningRateEnd = 1e-4, LearningRateHoldSteps = 20 }).DescribeSchedule());
        Assert.Equal("learning rate 0.0004 after 2 warm-up steps, linear decay from step 70 to 0 at step 100",
            (Tiny(100) with { LearningRateDecaySteps = 30 }).DescribeSchedule());
        Assert.Equal("learning rate 0.0004 after 2 warm-up steps, dropping to 0.0001 at step 80, then held to step 100",
            (Tiny(100) with { LearningRateEnd = 1e-4, LearningRateHoldSteps = 20 }).DescribeSchedule());
    }

    [Fact]
    public void The_EMA_in_words_gives_how_far_back_it_reaches_at_the_last_step()
    {
        // Warm-up below the cap: mean age N / 10 (EmaHorizon's closed form).
        Assert.StartsWith("EMA decay 0.9999 with warm-up: at step 48000 the average's mean age is 4800 steps, 90 % of its weight in the last ",
            (Tiny(48_000) with { EmaDecay = 0.9999, EmaWarmUp = true }).DescribeEma());
        // Fixed decay 0.5: mean age 0.5 (1 - 0.5^100) / 0.5 = 1; 1 - 0.5^3 = 0.875 < 0.9 <= 1 - 0.5^4.
        Assert.Equal("EMA decay 0.5: at step 100 the average's mean age is 1 steps, 90 % of its weight in the last 4",
            (Tiny(100) with { EmaDecay = 0.5, EmaWarmUp = false }).DescribeEma());
    }

    [Fact]
    public void ConfigErrorsNameTheField()
    {
        var error = Assert.Throws<ArgumentException>(() => PretrainConfig.FromJson("{\"train_batch_size\": 0}", "run.json"));
        Assert.Contains("'train_batch_size'", error.Message);
        var unknown = Assert.Throws<ArgumentException>(() => PretrainConfig.FromJson("{\"batchsize\": 4}", "run.json"));
        Assert.Contains("run.json", unknown.Message);
        Assert.Contains("batchsize", unknown.Message);
        var decay = Assert.Throws<ArgumentException>(() => (Tiny(5) with { LearningRateDecaySteps = 4 }).Validate());
        Assert.Contains("'learning_rate_decay_steps'", decay.Message);
        Assert.DoesNotContain("decay_start", (Tiny(5) with { LearningRateDecaySteps = 2 }).ToJson()); // derived, not a setting
        var end = Assert.Throws<ArgumentException>(() => (Tiny(5) with { LearningRateEnd = 2 * Tiny(5).LearningRate }).Validate());
        Assert.Contains("'learning_rate_end'", end.Message);
        var hold = Assert.Throws<ArgumentException>(() => (Tiny(5) with { LearningRateDecaySteps = 2, LearningRateHoldSteps = 2 }).Validate());
        Assert.Contains("'learning_rate_hold_steps'", hold.Message);
        var roundTrip = PretrainConfig.FromJson(Tiny(5).ToJson(), "x");
        Assert.Equal(Tiny(5), roundTrip);
    }
}
