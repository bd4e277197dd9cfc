using System.CommandLine;
using System.Globalization;
using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using CondDistill.Runtime;
using TorchSharp;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill evaluate-snapshots</c>: FD-FMNIST of every EMA snapshot of a pretraining run (the quality-against-steps curve).</summary>
internal static class EvaluateSnapshotsCommand
{
    public static Command Create()
    {
        var runOption = new Option<string>("--run") { Description = "Pretraining run folder (holds snapshots/).", Required = true };
        var samples = new Option<int>("--samples") { Description = "Samples per snapshot.", DefaultValueFactory = _ => 2_000 };
        var steps = new Option<int>("--steps") { Description = "DDIM steps.", DefaultValueFactory = _ => 50 };
        var realCount = new Option<int>("--real-count") { Description = "Test images compared against.", DefaultValueFactory = _ => 10_000 };
        var extractorPath = new Option<string?>("--extractor") { Description = "Feature extractor (default: the shipped one)." };
        var every = new Option<long>("--every") { Description = "Only the snapshots whose step is a multiple of this (0 = all); for a coarser curve at more samples." };
        var name = new Option<string>("--name") { Description = "File name stem of the curve written into the run folder (e.g. fd-curve-2000 for a second protocol beside the first).", DefaultValueFactory = _ => "fd-curve" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("evaluate-snapshots", "FD-FMNIST against training steps for every EMA snapshot of a run (each evaluated once, cached in the run's evaluations/ folder) and the last-quarter convergence check; writes fd-curve.json and fd-curve.md (or the --name stem) into the run folder.")
        {
            runOption, samples, steps, realCount, extractorPath, every, name, device, threads, dataDir,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var run = new RunFolder(Path.GetFullPath(parse.GetValue(runOption)!));
            if (run.Snapshots().Count == 0 && !Directory.Exists(Path.Combine(run.Root, "evaluations")))
                throw new ArgumentException($"Run folder '{run.Root}' has no EMA snapshots in {run.SnapshotsFolder} and no evaluations/ folder; fix --run.");
            long interval = parse.GetValue(every);
            if (interval < 0) throw new ArgumentException($"--every must be 0 (all snapshots) or a positive number of steps, not {interval}.");
            string stem = parse.GetValue(name)!;
            if (stem.Length == 0 || stem.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || stem.Contains('.'))
                throw new ArgumentException($"--name '{stem}' must be a plain file name stem without a dot or a path (e.g. fd-curve-2000).");
            var spec = new SamplerSpec(SamplerKind.Ddim, parse.GetValue(steps));
            using var extractor = FeatureExtractorFile.Load(parse.GetValue(extractorPath) ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile), torchDevice);
            var data = FashionMnist.Open(parse.GetValue(dataDir));
            using var real = data.Load(DatasetSplit.Test, 0, parse.GetValue(realCount));
            int count = parse.GetValue(samples);
            using var train = data.Load(DatasetSplit.Train, 0, count);
            double floor = UnconditionalEvaluation.RealFloor(extractor, train.Images, real.Images);
            string extractorHash = ExtractorHash.Compute(extractor);
            string protocolKey = FormattableString.Invariant($"{spec.Name}.{count}-samples.test-{real.Count}.{extractorHash[..12]}");
            var points = SnapshotCurve.Evaluate(run, protocolKey, path =>
            {
                using var unet = ModelCheckpoint.LoadUNet(path);
                unet.to(torchDevice).eval();
                var (report, generated) = UnconditionalEvaluation.Evaluate(unet.AsVelocityModel(), NoiseSchedule.Cosine(), spec, extractor, real.Images,
                    "test", count, "ema", path, torchDevice);
                generated.Dispose();
                return report with { FdFmnistFloor = floor };
            }, Console.WriteLine, interval);
            string md = SnapshotCurve.ToMarkdown($"FD-FMNIST against pretraining steps ({run.Root})",
                FormattableString.Invariant($"Protocol: EMA snapshots{(interval > 0 ? $" at multiples of {interval} steps" : "")}, {count} samples each (seeds {UnconditionalEvaluation.DefaultSeedBase}..{UnconditionalEvaluation.DefaultSeedBase + count - 1}), {spec.Name}, against the first {real.Count} test images; extractor {extractorHash[..12]}; floor = FD-FMNIST of the first {count} training images against the same test images = {floor:F3}."),
                points, SnapshotCurve.RetiredSteps(run, points));
            AtomicFile.WriteAllText(Path.Combine(run.Root, stem + ".md"), md);
            AtomicFile.WriteAllText(Path.Combine(run.Root, stem + ".json"), System.Text.Json.JsonSerializer.Serialize(points, MetricsReport.JsonOptions));
            Console.WriteLine(md);
            return 0;
        });
        return command;
    }
}
