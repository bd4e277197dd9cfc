using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CondDistill.Checkpoints;
using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using CondDistill.Runtime;
using TorchSharp;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill sampler-error</c>: how far few-step DDIM under each timestep spacing lands from the many-step solution of the same ODE.</summary>
internal static class SamplerErrorCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Unconditional UNet checkpoint (default: the shipped teacher, data/checkpoints/" + ShippedCheckpoints.TeacherFile + ")." };
        var steps = new Option<int>("--steps") { Description = "Steps of the sampler under test.", DefaultValueFactory = _ => 50 };
        var spacings = new Option<string>("--spacings") { Description = "Comma-separated spacing rules: trailing, quadratic, power:R.", DefaultValueFactory = _ => "trailing,power:0.5,power:0.7,power:0.9,power:1.5,power:2" };
        var referenceSteps = new Option<int>("--reference-steps") { Description = "Steps of the reference DDIM (1000 = every timestep down to t = 0).", DefaultValueFactory = _ => NoiseSchedule.DefaultNumTimesteps };
        var images = new Option<int>("--images") { Description = "Starting noises (samples).", DefaultValueFactory = _ => 64 };
        var seed = new Option<long>("--seed-base") { Description = "Seed of sample 0 (sample i uses seed + i).", DefaultValueFactory = _ => SamplerDiscretisation.DefaultSeedBase };
        var batch = new Option<int>("--batch-size") { Description = "Samples per network call.", DefaultValueFactory = _ => 64 };
        var output = new Option<string?>("--json") { Description = "Also write the points and the protocol as JSON here." };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("sampler-error", "Discretisation error of few-step DDIM under each timestep spacing: RMS distance in grey levels to a many-step DDIM solution from the same noise (no data, no extractor).")
        {
            model, steps, spacings, referenceSteps, images, seed, batch, output, device, threads,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var rules = parse.GetValue(spacings)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(SpacingRule.Parse).ToArray();
            string path = Path.GetFullPath(parse.GetValue(model) ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.TeacherFile));
            if (ModelCheckpoint.ReadDescription(path).Kind != Models.ModelDescription.UNetKind)
                throw new ArgumentException($"sampler-error: {path} is not an unconditional UNet checkpoint; pass a teacher (pretraining) checkpoint with --model.");
            using var unet = ModelCheckpoint.LoadUNet(path);
            unet.to(torchDevice).eval();
            int count = parse.GetValue(images);
            long seedBase = parse.GetValue(seed);
            var started = DateTime.UtcNow;
            var points = SamplerDiscretisation.Measure(unet.AsVelocityModel(), NoiseSchedule.Cosine(), rules, parse.GetValue(steps), parse.GetValue(referenceSteps),
                [unet.Config.InChannels, Data.FashionMnist.ImageSize, Data.FashionMnist.ImageSize], count, seedBase, torchDevice, parse.GetValue(batch),
                (done, total) => Console.Write(FormattableString.Invariant($"\r  {done}/{total} samples, {(DateTime.UtcNow - started).TotalSeconds:F0} s")));
            Console.WriteLine();
            Console.WriteLine(SamplerDiscretisation.ToMarkdown(points));
            string protocol = FormattableString.Invariant(
                $"Protocol: {path}, {count} samples (seeds {seedBase}..{seedBase + count - 1}), reference DDIM {parse.GetValue(referenceSteps)} steps (trailing), outputs clamped to [-1, 1]; background = reference pixels at or below {SamplerDiscretisation.BackgroundThreshold} ({points[0].BackgroundShare:P1} of pixels).");
            Console.WriteLine(protocol);
            if (parse.GetValue(output) is string jsonPath)
            {
                AtomicFile.WriteAllText(Path.GetFullPath(jsonPath), JsonSerializer.Serialize(new { protocol, points }, MetricsReport.JsonOptions));
                Console.WriteLine($"wrote {Path.GetFullPath(jsonPath)}");
            }
            return 0;
        });
        return command;
    }
}
