using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Experiments;
using CondDistill.Models;
using CondDistill.Tests.Data;
using TorchSharp;

namespace CondDistill.Tests.Experiments;

/// <summary>The reproduce pipeline end to end on the smoke profile (every run and row, toy sizes, a tiny teacher).</summary>
public sealed class ReproductionRunnerTests
{
    [Fact]
    public void SmokeProfileTrainsEveryRunWritesEveryRowAndARerunReusesEverything()
    {
        using var folder = SyntheticFashionMnist.Create(trainCount: 64, testCount: 8);
        var data = FashionMnist.Open(folder.Folder);
        string root = Directory.CreateTempSubdirectory("reproduce").FullName;
        try
        {
            string teacherPath = Path.Combine(root, "teacher.safetensors");
            using (var teacher = new UNet(UNetConfig.Tiny, new torch.Generator(11))) ModelCheckpoint.Save(teacherPath, teacher);
            string extractor = ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile);
            var profile = ReproductionProfile.Smoke;
            var notes = new List<string>();
            var runner = new ReproductionRunner(profile, "sr4", Path.Combine(root, "out"), teacherPath, extractor, data, torch.CPU) { OnNote = notes.Add };

            // Train in two shards as two processes would (disjoint runs, no rows), then evaluate and write the table.
            string[] secondShard = ["pe-codi", "codi-without-dx", "codi-frozen-teacher"];
            runner.Train(profile.Runs.Select(r => r.Key).Except(secondShard).ToList());
            runner.Train(secondShard);
            Assert.False(File.Exists(runner.TablePath));
            Assert.All(profile.Runs, run => Assert.True(File.Exists(runner.RunFolderOf(run.Key).FinalEmaPath), run.Key));
            notes.Clear();
            var table = runner.Run();
            Assert.Equal(profile.Runs.Count, notes.Count(n => n.Contains("already finished at step 2")));

            Assert.Equal(profile.Rows.Select(r => r.Key), table.Rows.Select(r => r.Key));
            Assert.All(table.Rows, row =>
            {
                Assert.True(double.IsFinite(row.Metrics.FdFmnist!.Value) && row.Metrics.FdFmnist >= 0, row.Key);
                Assert.True(row.TrainableParameters > 0 && row.TrainSteps == 2 && row.TrainBatchSize == 4, row.Key);
                Assert.Equal(8, row.Metrics.Protocol.SampleCount);
                Assert.Equal(row.Weights, row.Metrics.Protocol.Weights);
            });
            // PE-CoDi trains only the adapter, so fewer parameters than CoDi; CoDi rows share one run.
            Assert.True(table.Row("pe-codi.grid-N50-4.ema")!.TrainableParameters < table.Row("codi.grid-N50-4.ema")!.TrainableParameters);
            Assert.Equal(profile.Runs.Count * profile.BudgetSteps.Count, table.Budget.Count);
            Assert.Equal(["F1", "F2", "F3", "F4", "F5"], table.Findings.Select(f => f.Id));
            Assert.DoesNotContain(table.Findings, f => f.Verdict == Finding.NotMeasured);
            var cm = ExperimentConfig.Load(runner.RunFolderOf("cm-ii").ConfigPath);
            Assert.Equal(runner.RunFolderOf("finetune-controlnet").FinalEmaPath, cm.ConditionalTeacher);
            string markdown = File.ReadAllText(runner.MarkdownPath);
            Assert.Contains("| CoDi | grid-N50-4 | 4 | ema |", markdown);
            Assert.Contains("FD-FMNIST", markdown);
            Assert.DoesNotContain("FID", markdown);
            Assert.True(new FileInfo(runner.SamplesPath).Length > 1000);

            notes.Clear();
            var again = new ReproductionRunner(profile, "sr4", Path.Combine(root, "out"), teacherPath, extractor, data, torch.CPU) { OnNote = notes.Add }.Run();
            Assert.Equal(table.Rows.Select(r => r.Metrics.FdFmnist), again.Rows.Select(r => r.Metrics.FdFmnist));
            Assert.Equal(profile.Rows.Count, notes.Count(n => n.EndsWith(".json)", StringComparison.Ordinal) && n.Contains(": cached (")));
            Assert.Equal(profile.Runs.Count, notes.Count(n => n.Contains("already finished at step 2")));

            var other = new ReproductionRunner(ReproductionProfile.Quick, "sr4", Path.Combine(root, "out"), teacherPath, extractor, data, torch.CPU);
            var error = Assert.Throws<InvalidOperationException>(() => other.Run());
            Assert.Contains("reproduction.json", error.Message);
            Assert.Contains("another --out folder", error.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void TrainingSelectedRunsNamesUnknownKeysAndRefusesATwoStageRunBeforeItsTeacher()
    {
        using var folder = SyntheticFashionMnist.Create(trainCount: 64, testCount: 8);
        var data = FashionMnist.Open(folder.Folder);
        string root = Directory.CreateTempSubdirectory("reproduce").FullName;
        try
        {
            string teacherPath = Path.Combine(root, "teacher.safetensors");
            using (var teacher = new UNet(UNetConfig.Tiny, new torch.Generator(11))) ModelCheckpoint.Save(teacherPath, teacher);
            var runner = new ReproductionRunner(ReproductionProfile.Smoke, "sr4", Path.Combine(root, "out"), teacherPath,
                ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile), data, torch.CPU);
            var unknown = Assert.Throws<ArgumentException>(() => runner.Train(["codi", "cm2"]));
            Assert.Contains("'cm2' is not a run of profile 'smoke'", unknown.Message);
            Assert.Contains("finetune-controlnet, finetune-concat, codi", unknown.Message);
            var early = Assert.Throws<InvalidOperationException>(() => runner.Train(["cm-ii"]));
            Assert.Contains("train 'finetune-controlnet' first", early.Message);
            Assert.False(Directory.Exists(runner.RunFolderOf("cm-ii").Root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ProfilesAreKnownByNameAndEveryRowAndBudgetRowNamesATrainedRun()
    {
        foreach (string name in ReproductionProfile.Names)
        {
            var profile = ReproductionProfile.Get(name);
            var runs = profile.Runs.Select(r => r.Key).ToList();
            Assert.All(profile.Rows, row => Assert.Contains(row.RunKey, runs));
            Assert.All(profile.BudgetRows, row => Assert.Contains(row.RunKey, runs));
            Assert.All(profile.BudgetSteps, step => Assert.InRange(step, 1, profile.TrainSteps));
            Assert.Equal(runs.Count, runs.Distinct().Count());
            // A run's conditional teacher trains before it.
            foreach (var (run, index) in profile.Runs.Select((r, i) => (r, i)))
                if (run.ConditionalTeacherRun is string dependency) Assert.InRange(runs.IndexOf(dependency), 0, index - 1);
        }
        var error = Assert.Throws<ArgumentException>(() => ReproductionProfile.Get("medium"));
        Assert.Contains("smoke, quick, full", error.Message);
        Assert.Equal(ReproductionProfile.Full.Runs.Select(r => r.Key), ReproductionProfile.Smoke.Runs.Select(r => r.Key));
    }
}
