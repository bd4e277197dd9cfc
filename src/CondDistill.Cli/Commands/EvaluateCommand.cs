using System.CommandLine;
using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using CondDistill.Reporting;
using CondDistill.Runtime;
using TorchSharp;

namespace CondDistill.Cli.Commands;

/// <summary>
/// <c>condistill evaluate</c>: sample a model and write every metric with its protocol as JSON. An
/// unconditional UNet is compared with real images (FD/KID, saturation); a conditional model is run on
/// the conditions of the first test images and compared with their ground truth (every metric).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model checkpoint (default: the shipped teacher, data/checkpoints/" + ShippedCheckpoints.TeacherFile + ")." };
        var samples = new Option<int>("--samples") { Description = "Number of samples (conditional models: one per test image, from index 0).", DefaultValueFactory = _ => 10_000 };
        var taskOption = new Option<string?>("--task") { Description = "Conditional models: the condition task (default: the one in the checkpoint's metadata)." };
        var sampler = new Option<string>("--sampler") { Description = $"Sampler: {string.Join(", ", SamplerSpec.KindNames)}.", DefaultValueFactory = _ => "ddim" };
        var steps = new Option<int>("--steps") { Description = "Sampling steps.", DefaultValueFactory = _ => 50 };
        var gridSize = new Option<int>("--grid-n") { Description = "N of the teacher grid (grid and consistency samplers).", DefaultValueFactory = _ => 50 };
        var spacing = new Option<string>("--spacing") { Description = "Timestep spacing of the ddim and dpm-solver++ samplers: trailing, quadratic or power:R (see condistill sampler-error).", DefaultValueFactory = _ => "trailing" };
        var realSplit = new Option<DatasetSplit>("--real-split") { Description = "Real images to compare against.", DefaultValueFactory = _ => DatasetSplit.Test };
        var realCount = new Option<int>("--real-count") { Description = "How many real images (from index 0).", DefaultValueFactory = _ => 10_000 };
        var floor = new Option<bool>("--floor") { Description = "Also compute the floor: FD-FMNIST of as many training images as samples against the real set." };
        var extractorPath = new Option<string?>("--extractor") { Description = "Feature extractor (default: the shipped one)." };
        var output = new Option<string>("--out") { Description = "Report JSON.", DefaultValueFactory = _ => "evaluation.json" };
        var grid = new Option<string?>("--grid") { Description = "Also write the first 64 samples as a PNG grid." };
        var batch = new Option<int>("--batch-size") { Description = "Samples per network call.", DefaultValueFactory = _ => 250 };
        var seed = new Option<long>("--seed-base") { Description = "Seed of sample 0 (sample i uses seed + i).", DefaultValueFactory = _ => UnconditionalEvaluation.DefaultSeedBase };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("evaluate", "Sample a model and write FD-FMNIST, KID-FMNIST, saturation and ms/image with the protocol as JSON.")
        {
            model, samples, taskOption, sampler, steps, gridSize, spacing, realSplit, realCount, floor, extractorPath, output, grid, batch, seed, device, threads, dataDir,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var spec = SamplerSpec.Parse(parse.GetValue(sampler)!, parse.GetValue(steps), parse.GetValue(gridSize), parse.GetValue(spacing));
            string modelPath = Path.GetFullPath(parse.GetValue(model) ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.TeacherFile));
            var description = ModelCheckpoint.ReadDescription(modelPath);
            if (description.Kind != Models.ModelDescription.UNetKind)
                return EvaluateConditional(parse, modelPath, spec, parse.GetValue(taskOption), parse.GetValue(samples), parse.GetValue(extractorPath),
                    parse.GetValue(output)!, parse.GetValue(grid), parse.GetValue(batch), torchDevice, parse.GetValue(dataDir));
            var metadata = CondDistill.Checkpoints.SafetensorsFile.ReadMetadata(modelPath);
            string weights = metadata.TryGetValue("user.weights", out var w) ? w : metadata.TryGetValue("weights", out var w2) ? w2 : "unknown";
            using var unet = ModelCheckpoint.LoadUNet(modelPath);
            unet.to(torchDevice).eval();
            using var extractor = FeatureExtractorFile.Load(parse.GetValue(extractorPath) ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile), torchDevice);
            var data = FashionMnist.Open(parse.GetValue(dataDir));
            using var real = data.Load(parse.GetValue(realSplit), 0, parse.GetValue(realCount));
            Console.WriteLine($"evaluate: {parse.GetValue(samples)} samples from {modelPath} ({weights} weights), sampler {spec.Name}, against {real.Count} {parse.GetValue(realSplit)} images");
            var (report, generated) = UnconditionalEvaluation.Evaluate(unet.AsVelocityModel(), NoiseSchedule.Cosine(), spec, extractor, real.Images,
                parse.GetValue(realSplit).ToString().ToLowerInvariant(), parse.GetValue(samples), weights, modelPath, torchDevice,
                parse.GetValue(seed), parse.GetValue(batch), (done, total) => Console.Write($"\r  sampled {done}/{total}"));
            Console.WriteLine();
            using (generated)
            {
                if (parse.GetValue(floor))
                {
                    // Same number of training images as samples: FD's bias depends on the set size.
                    using var train = data.Load(DatasetSplit.Train, 0, Math.Min(parse.GetValue(samples), data.Count(DatasetSplit.Train)));
                    report = report with { FdFmnistFloor = UnconditionalEvaluation.RealFloor(extractor, train.Images, real.Images) };
                }
                string? gridPath = parse.GetValue(grid);
                if (gridPath is not null) ImageGrid.SaveBatch(gridPath, generated.narrow(0, 0, Math.Min(64, generated.shape[0])).clamp(-1, 1), 8);
            }
            string outPath = Path.GetFullPath(parse.GetValue(output)!);
            report.Save(outPath);
            Console.WriteLine(FormattableString.Invariant(
                $"FD-FMNIST {report.FdFmnist:F3}{(report.FdFmnistFloor is double f ? $" (floor {f:F3})" : "")}, KID-FMNIST {report.KidFmnistMean:F3} ± {report.KidFmnistStd:F3}, saturation {report.SaturationRate:P1} (real {report.ReferenceSaturationRate:P1}), {report.MillisecondsPerImage:F2} ms/image{(report.OtherProcessesCpuShare is double share ? $" (other processes used {share:P0} of the CPU meanwhile)" : "")}; wrote {outPath}"));
            return 0;
        });
        return command;
    }

    private static int EvaluateConditional(ParseResult parse, string modelPath, SamplerSpec spec, string? taskName, int count, string? extractorPath,
        string output, string? gridPath, int batchSize, torch.Device device, string? dataDir)
    {
        using var model = TrainedConditionalModel.Load(modelPath);
        var task = model.ResolveTask(taskName);
        model.Denoiser.Module.to(device).eval();
        using var noGrad = torch.no_grad();
        using var extractor = FeatureExtractorFile.Load(extractorPath ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile), device);
        var data = FashionMnist.Open(dataDir);
        using var truth = data.Load(DatasetSplit.Test, 0, Math.Min(count, data.Count(DatasetSplit.Test)));
        var schedule = NoiseSchedule.Cosine();
        Console.WriteLine($"evaluate: {model.Method} ({model.Weights} weights, step {model.Step?.ToString() ?? "?"}) from {modelPath} on {task.Name}, sampler {spec.Name}, {truth.Count} test images");
        var protocol = new EvaluationProtocol(ExtractorHash: "", RealSplit: "test", RealCount: 0, SampleCount: 0, Seeds: [], Weights: model.Weights,
            Sampler: spec.Name, Steps: spec.Steps, Method: model.Method, Checkpoint: modelPath);
        var (report, samples) = ConditionalEvaluation.Evaluate(c => model.SamplingModel(c, schedule), task, schedule, spec, extractor, truth, 0, protocol, device, batchSize: batchSize);
        using (samples)
        {
            if (gridPath is not null)
            {
                int n = (int)Math.Min(8, samples.shape[0]);
                using var conditions = task.Compute(truth.Images.narrow(0, 0, n), truth.Indices[..n], 0);
                var rows = ConditionPreview.ConditionRowsThenTruth(task, truth.Images.narrow(0, 0, n), conditions);
                rows.Add(new GridRow(spec.Name, samples.narrow(0, 0, n).clamp(-1, 1)));
                ImageGrid.SaveRows(gridPath, rows);
            }
        }
        string outPath = Path.GetFullPath(output);
        report.Save(outPath);
        Console.WriteLine(FormattableString.Invariant(
            $"FD-FMNIST {report.FdFmnist:F3}, KID-FMNIST {report.KidFmnistMean:F4}, PSNR {report.PsnrMeanDb:F2} dB, SSIM {report.SsimMean:F3}, condition PSNR {report.ConditionConsistencyPsnrDb:F2} dB, saturation x{report.SaturationRatio:F2} of truth, {report.MillisecondsPerImage:F1} ms/image; wrote {outPath}"));
        return 0;
    }
}
