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

/// <summary><c>condistill probe-denoising</c>: per-timestep x error, eps error and slope of eps_hat on eps for one or more models.</summary>
internal static class ProbeDenoisingCommand
{
    public static Command Create()
    {
        var models = new Option<string[]>("--model") { Description = "Checkpoint(s) to probe (repeat the option to compare models; default: the shipped teacher).", AllowMultipleArgumentsPerToken = true };
        var images = new Option<int>("--images") { Description = "Test images (from index 0).", DefaultValueFactory = _ => 256 };
        var timesteps = new Option<string>("--timesteps") { Description = "Comma-separated timesteps.", DefaultValueFactory = _ => string.Join(",", DenoisingProbe.DefaultTimesteps) };
        var taskOption = new Option<string?>("--task") { Description = "Conditional models: the condition task (default: the one in the checkpoint's metadata)." };
        var output = new Option<string?>("--json") { Description = "Also write the points of every model as JSON here." };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("probe-denoising", "Per timestep, on forward-diffused test images: x_hat error, eps_hat error and the slope of eps_hat on the true eps (1 = removes all the noise, 0 = removes none); explains noisy few-step samples.")
        {
            models, images, timesteps, taskOption, output, device, threads, dataDir,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var steps = CommonOptions.ParseList(parse.GetValue(timesteps)!, "--timesteps", "an integer", "20,200,460", CommonOptions.ParseInt);
            var paths = parse.GetValue(models) is { Length: > 0 } given ? given : [ShippedCheckpoints.PathOf(ShippedCheckpoints.TeacherFile)];
            var data = FashionMnist.Open(parse.GetValue(dataDir));
            using var truth = data.Load(DatasetSplit.Test, 0, Math.Min(parse.GetValue(images), data.Count(DatasetSplit.Test)));
            using var x = truth.Images.to(torchDevice);
            var schedule = NoiseSchedule.Cosine();
            var all = new Dictionary<string, IReadOnlyList<DenoisingProbePoint>>();
            foreach (string raw in paths)
            {
                string path = Path.GetFullPath(raw);
                IReadOnlyList<DenoisingProbePoint> points;
                if (ModelCheckpoint.ReadDescription(path).Kind == Models.ModelDescription.UNetKind)
                {
                    using var unet = ModelCheckpoint.LoadUNet(path);
                    unet.to(torchDevice).eval();
                    points = DenoisingProbe.Measure(unet.AsVelocityModel(), schedule, x, steps);
                    Console.WriteLine($"{path} (unconditional UNet)");
                }
                else
                {
                    using var model = TrainedConditionalModel.Load(path);
                    var task = model.ResolveTask(parse.GetValue(taskOption));
                    model.Denoiser.Module.to(torchDevice).eval();
                    using var conditions = task.Compute(truth.Images, truth.Indices, 0);
                    using var c = conditions.to(torchDevice);
                    points = DenoisingProbe.Measure(model.SamplingModel(c, schedule), schedule, x, steps);
                    Console.WriteLine($"{path} ({model.Method}, {model.Weights} weights, step {model.Step?.ToString(CultureInfo.InvariantCulture) ?? "?"}, task {task.Name})");
                }
                Console.WriteLine(DenoisingProbe.ToMarkdown(points));
                all[path] = points;
            }
            Console.WriteLine(FormattableString.Invariant(
                $"Protocol: first {truth.Count} test images, noise seeds {DenoisingProbe.DefaultSeedBase} + 1,000,000 t + i, conditions with seed 0, weights as stored in each file."));
            if (parse.GetValue(output) is string jsonPath)
            {
                AtomicFile.WriteAllText(Path.GetFullPath(jsonPath), JsonSerializer.Serialize(all, MetricsReport.JsonOptions));
                Console.WriteLine($"wrote {Path.GetFullPath(jsonPath)}");
            }
            return 0;
        });
        return command;
    }
}
