using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Experiments;
using CondDistill.Models;
using CondDistill.Tests.Data;
using CondDistill.Training;
using CondDistill.Training.Baselines;
using CondDistill.Training.CoDi;
using TorchSharp;

namespace CondDistill.Tests.Training;

/// <summary>The shared loop: every method runs in it on a tiny setting, and a killed CoDi run resumes bit-identically.</summary>
public sealed class MethodTrainerTests
{
    private static readonly NoiseSchedule Schedule = NoiseSchedule.Cosine();

    private static MethodTrainingSettings Tiny(long steps) => new()
    {
        Seed = 2, MaxTrainSteps = steps, TrainBatchSize = 4, TrainImages = 12, LearningRate = 1e-3, LearningRateWarmupSteps = 1,
        CheckpointingSteps = 100, ValidationSteps = 0, ValidationImages = 2, LoggingSteps = 1,
    };

    private static UNet TinyTeacher() => new(UNetConfig.Tiny, new torch.Generator(11));

    private static long Train(ITrainingMethod method, RunFolder run, FashionMnist data, long steps, long? stopAfter = null) =>
        new MethodTrainer(method, ConditionTasks.Create("sr4"), Schedule, Tiny(steps), run, torch.CPU).Run(data, resume: true, stopAfter);

    [Fact]
    public void KilledAndResumedCoDiRunEndsBitIdenticalToAnUninterruptedOne()
    {
        using var folder = SyntheticFashionMnist.Create(trainCount: 12, testCount: 2);
        var data = FashionMnist.Open(folder.Folder);
        string root = Directory.CreateTempSubdirectory("codi-run").FullName;
        try
        {
            using var teacher = TinyTeacher();
            CoDiMethod Fresh() => new(teacher, 1, Schedule, CoDiOptions.PaperDefaults, new torch.Generator(5));
            var straight = new RunFolder(Path.Combine(root, "straight"));
            var killed = new RunFolder(Path.Combine(root, "killed"));
            using (var method = Fresh()) Assert.Equal(4, Train(method, straight, data, 4));
            using (var method = Fresh()) Assert.Equal(2, Train(method, killed, data, 4, stopAfter: 2));
            using (var method = Fresh()) Assert.Equal(4, Train(method, killed, data, 4)); // a new process would start like this

            foreach (string file in new[] { "ema.safetensors", "online.safetensors" })
            {
                using var a = ModelCheckpoint.LoadControlledUNet(Path.Combine(straight.Root, file));
                using var b = ModelCheckpoint.LoadControlledUNet(Path.Combine(killed.Root, file));
                foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
                    Assert.True(pa.equal(pb).all().item<bool>(), $"{file}: {name} differs after kill and resume");
            }
            var termsStraight = new MetricsLog(straight.MetricsPath).Read();
            var termsKilled = new MetricsLog(killed.MetricsPath).Read();
            Assert.Equal(termsStraight.Select(r => (double)r["consistency"]!), termsKilled.Select(r => (double)r["consistency"]!));
            Assert.Equal(termsStraight.Select(r => (double)r["guidance"]!), termsKilled.Select(r => (double)r["guidance"]!));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void MilestonesRunInEvalModeWithoutChangingTheTrajectoryAndAFinishedRunIsNotRedone()
    {
        using var folder = SyntheticFashionMnist.Create(trainCount: 12, testCount: 2);
        var data = FashionMnist.Open(folder.Folder);
        string root = Directory.CreateTempSubdirectory("milestones").FullName;
        try
        {
            using var teacher = TinyTeacher();
            CoDiMethod Fresh() => new(teacher, 1, Schedule, CoDiOptions.PaperDefaults, new torch.Generator(5));
            var plain = new RunFolder(Path.Combine(root, "plain"));
            var observed = new RunFolder(Path.Combine(root, "observed"));
            using (var method = Fresh()) Train(method, plain, data, 4);
            var calls = new List<(long Step, bool Training, bool Grad)>();
            using (var method = Fresh())
            {
                var trainer = new MethodTrainer(method, ConditionTasks.Create("sr4"), Schedule, Tiny(4), observed, torch.CPU)
                {
                    MilestoneSteps = new HashSet<long> { 1, 3 },
                    OnMilestone = step =>
                    {
                        calls.Add((step, method.Student.Module.training, torch.is_grad_enabled()));
                        using var scope = torch.NewDisposeScope();
                        // A milestone samples with its own seeds; it must not disturb the run.
                        var noise = SeededNoise.Normal([1, 28, 28], [7, 8], torch.CPU);
                        method.SamplingModel(torch.zeros(2, 1, 28, 28))(noise, torch.full(2, 500L));
                    },
                };
                Assert.Equal(4, trainer.Run(data, resume: true));
            }
            Assert.Equal([(1L, false, false), (3L, false, false)], calls);
            using (var a = ModelCheckpoint.LoadControlledUNet(plain.FinalEmaPath))
            using (var b = ModelCheckpoint.LoadControlledUNet(observed.FinalEmaPath))
                foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
                    Assert.True(pa.equal(pb).all().item<bool>(), $"{name} differs when milestones run");

            var written = File.GetLastWriteTimeUtc(plain.FinalEmaPath);
            var notes = new List<string>();
            using (var method = Fresh())
                Assert.Equal(4, new MethodTrainer(method, ConditionTasks.Create("sr4"), Schedule, Tiny(4), plain, torch.CPU) { OnNote = notes.Add }.Run(data, resume: true));
            Assert.Equal(written, File.GetLastWriteTimeUtc(plain.FinalEmaPath));
            Assert.Contains(notes, n => n.StartsWith("already finished at step 4", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    public static TheoryData<string> Methods() => ["codi", "pe-codi", "codi-without-dx", "codi-ddim", "codi-teacher", "codi-released",
        "finetune-concat", "finetune-controlnet-frozen", "finetune-controlnet", "cm-ii", "cm-ii-frozen", "gd-ii"];

    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryMethodTrainsLogsItsTermsAndWritesGridsAndWeights(string name)
    {
        using var folder = SyntheticFashionMnist.Create(trainCount: 12, testCount: 2);
        var data = FashionMnist.Open(folder.Folder);
        string root = Directory.CreateTempSubdirectory("method-smoke").FullName;
        try
        {
            using var teacher = TinyTeacher();
            using var fineTuned = new FineTuneMethod(teacher, new FineTuneConfig(FineTuneVariant.ControlNetFull, 1), Schedule, new torch.Generator(3));
            using ITrainingMethod method = name switch
            {
                "codi" => new CoDiMethod(teacher, 1, Schedule, CoDiOptions.PaperDefaults, new torch.Generator(5)),
                "pe-codi" => new CoDiMethod(teacher, 1, Schedule, CoDiOptions.PeCoDi, new torch.Generator(5)),
                "codi-without-dx" => new CoDiMethod(teacher, 1, Schedule, CoDiOptions.WithoutGuidance, new torch.Generator(5)),
                "codi-ddim" => new CoDiMethod(teacher, 1, Schedule, CoDiOptions.DdimNextPoint, new torch.Generator(5)),
                "codi-teacher" => new CoDiMethod(teacher, 1, Schedule, CoDiOptions.FrozenTeacherNextPoint, new torch.Generator(5)),
                "codi-released" => new CoDiMethod(teacher, 1, Schedule, CoDiOptions.ReleasedCode, new torch.Generator(5)),
                "finetune-concat" => new FineTuneMethod(teacher, new FineTuneConfig(FineTuneVariant.Concat, 1), Schedule),
                "finetune-controlnet-frozen" => new FineTuneMethod(teacher, new FineTuneConfig(FineTuneVariant.ControlNetFrozenBackbone, 1), Schedule, new torch.Generator(3)),
                "finetune-controlnet" => new FineTuneMethod(teacher, new FineTuneConfig(FineTuneVariant.ControlNetFull, 1), Schedule, new torch.Generator(3)),
                "cm-ii" => new ConsistencyDistillationMethod(fineTuned.Student, new ConsistencyDistillationConfig(), Schedule),
                "cm-ii-frozen" => new ConsistencyDistillationMethod(fineTuned.Student, new ConsistencyDistillationConfig(Scope: TrainableScope.AdapterOnly), Schedule),
                "gd-ii" => new ProgressiveDistillationMethod(fineTuned.Student, new ProgressiveDistillationConfig(StudentSteps: 4), Schedule),
                _ => throw new ArgumentException(name),
            };
            var run = new RunFolder(root);
            var settings = Tiny(2) with { ValidationSteps = 2 };
            var progress = new List<TrainingProgress>();
            Assert.Equal(2, new MethodTrainer(method, ConditionTasks.Create("sr4"), Schedule, settings, run, torch.CPU) { OnProgress = progress.Add }
                .Run(data, resume: false));
            Assert.Equal(2, progress.Count);
            Assert.Equal(progress[0].Losses.Select(l => l.Key), progress[1].Losses.Select(l => l.Key)); // each term once per line
            Assert.Equal(progress[1].Losses.Count, progress[1].Losses.Select(l => l.Key).Distinct().Count());
            var records = new MetricsLog(run.MetricsPath).Read();
            Assert.Equal(2, records.Count);
            Assert.All(records, r => Assert.True(double.IsFinite((double)r["lr"]!)));
            Assert.True(File.Exists(run.FinalEmaPath) && File.Exists(run.FinalOnlinePath));
            Assert.True(File.Exists(run.SamplesPath(2, "ema")) && File.Exists(run.SamplesPath(2, "online")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
