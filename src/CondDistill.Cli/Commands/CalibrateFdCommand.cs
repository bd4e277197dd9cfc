using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using CondDistill.Runtime;
using TorchSharp;

namespace CondDistill.Cli.Commands;

/// <summary>
/// <c>condistill calibrate-fd</c>: FD-FMNIST of training images with added Gaussian pixel noise against the
/// test set, split into mean and covariance terms, optionally beside unconditional models' samples: what an
/// FD-FMNIST value means in pixels.
/// </summary>
internal static class CalibrateFdCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Training images (from index 0) that receive the noise; use the sample count you compare with, FD's bias depends on it.", DefaultValueFactory = _ => 2000 };
        var sigmas = new Option<string>("--sigmas") { Description = "Comma-separated noise standard deviations in [-1, 1] pixel units (0 = the floor).", DefaultValueFactory = _ => string.Join(",", NoiseCalibration.DefaultSigmas.Select(s => s.ToString(CultureInfo.InvariantCulture))) };
        var models = new Option<string[]>("--model") { Description = "Unconditional UNet checkpoint(s) whose samples are measured the same way (repeat to compare).", AllowMultipleArgumentsPerToken = true };
        var sampler = new Option<string>("--sampler") { Description = $"Sampler for --model: {string.Join(", ", SamplerSpec.KindNames)}.", DefaultValueFactory = _ => "ddim" };
        var steps = new Option<int>("--steps") { Description = "Sampling steps for --model.", DefaultValueFactory = _ => 50 };
        var seedBase = new Option<long>("--seed-base") { Description = "Seed of sample 0 for --model (sample i uses seed + i).", DefaultValueFactory = _ => UnconditionalEvaluation.DefaultSeedBase };
        var realCount = new Option<int>("--real-count") { Description = "Test images (from index 0) that everything is compared with.", DefaultValueFactory = _ => 10_000 };
        var extractorPath = new Option<string?>("--extractor") { Description = "Feature extractor (default: the shipped one)." };
        var output = new Option<string?>("--json") { Description = "Also write the curve, the models' rows and the protocol as JSON here." };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("calibrate-fd", "FD-FMNIST of real images with Gaussian pixel noise of known size against the test set (mean and covariance terms), optionally beside models' samples: reads an FD-FMNIST value in grey levels of noise.")
        {
            count, sigmas, models, sampler, steps, seedBase, realCount, extractorPath, output, device, threads, dataDir,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var levels = CommonOptions.ParseList(parse.GetValue(sigmas)!, "--sigmas", "a number >= 0", "0,0.01,0.02,0.04 (0 is the floor)", CommonOptions.ParseNonNegative);
            var spec = SamplerSpec.Parse(parse.GetValue(sampler)!, parse.GetValue(steps));
            var data = FashionMnist.Open(parse.GetValue(dataDir));
            int n = parse.GetValue(count);
            if (n < 2 || n > data.Count(DatasetSplit.Train))
                throw new ArgumentException($"--count: {n} is outside 2..{data.Count(DatasetSplit.Train)} (the training images available).");
            string extractorFile = Path.GetFullPath(parse.GetValue(extractorPath) ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile));
            using var extractor = FeatureExtractorFile.Load(extractorFile, torchDevice);
            extractor.eval();
            using var train = data.Load(DatasetSplit.Train, 0, n);
            using var test = data.Load(DatasetSplit.Test, 0, Math.Min(parse.GetValue(realCount), data.Count(DatasetSplit.Test)));
            string extractorHash = ExtractorHash.Compute(extractor);
            using var testFeatures = extractor.Features(test.Images);
            using var testStatistics = FeatureStatistics.Of(testFeatures); // once, for the curve and every model
            var curve = NoiseCalibration.Measure(extractor, train.Images, testStatistics, levels);
            Console.WriteLine($"FD-FMNIST of the first {n} training images + Gaussian noise (clamped to [-1, 1]) against the first {test.Count} test images:");
            Console.WriteLine(NoiseCalibration.ToMarkdown(curve));

            var rows = new List<object>();
            foreach (string raw in parse.GetValue(models) ?? [])
            {
                string path = Path.GetFullPath(raw);
                if (ModelCheckpoint.ReadDescription(path).Kind != Models.ModelDescription.UNetKind)
                    throw new ArgumentException($"--model '{path}': calibrate-fd samples unconditional UNets only (a teacher or a pretraining snapshot); conditional models are measured with `condistill evaluate`.");
                using var unet = ModelCheckpoint.LoadUNet(path);
                unet.to(torchDevice).eval();
                var (samples, wall, _) = SampleGeneration.Run((_, _) => unet.AsVelocityModel(), NoiseSchedule.Cosine(), spec, n, parse.GetValue(seedBase),
                    [1, 28, 28], 250, torchDevice, (done, total) => Console.Write($"\r  {Path.GetFileName(path)}: sampled {done}/{total}"));
                Console.WriteLine();
                FrechetDistanceTerms terms;
                using (samples)
                using (torch.NewDisposeScope())
                using (var sampleStatistics = FeatureStatistics.Of(extractor.Features(samples.clamp(-1, 1))))
                    terms = FrechetDistance.TermsFromStatistics(sampleStatistics, testStatistics);
                double? equivalent = NoiseCalibration.EquivalentSigma(curve, terms.Total);
                Console.WriteLine(FormattableString.Invariant(
                    $"{path}: FD-FMNIST {terms.Total:F3} (mean term {terms.MeanTerm:F3}, covariance term {terms.CovarianceTerm:F3}, tr(S) {terms.Trace1:F1} vs {terms.Trace2:F1}); ") +
                    (equivalent is double s
                        ? FormattableString.Invariant($"as far from the test set as real images with noise sigma {s:F4} ({s * 127.5:F1} grey levels)")
                        : "outside the measured noise range") +
                    FormattableString.Invariant($"; {spec.Name}, {n} samples, seeds {parse.GetValue(seedBase)}.., {wall.TotalSeconds:F0} s"));
                rows.Add(new { Checkpoint = path, Sampler = spec.Name, Samples = n, SeedBase = parse.GetValue(seedBase), Distance = terms, EquivalentSigma = equivalent });
            }
            Console.WriteLine(FormattableString.Invariant(
                $"Protocol: extractor {extractorHash[..12]}, noise seeds {NoiseCalibration.DefaultSeedBase} + i (one pattern scaled for every sigma), samples clamped to [-1, 1], weights as stored in each file."));
            if (parse.GetValue(output) is string jsonPath)
            {
                var document = new
                {
                    Protocol = new { ExtractorHash = extractorHash, ExtractorFile = extractorFile, CleanSplit = "train", CleanCount = n, RealSplit = "test", RealCount = test.Count, NoiseSeedBase = NoiseCalibration.DefaultSeedBase },
                    Calibration = curve,
                    Models = rows,
                };
                AtomicFile.WriteAllText(Path.GetFullPath(jsonPath), JsonSerializer.Serialize(document, MetricsReport.JsonOptions));
                Console.WriteLine($"wrote {Path.GetFullPath(jsonPath)}");
            }
            return 0;
        });
        return command;
    }
}
