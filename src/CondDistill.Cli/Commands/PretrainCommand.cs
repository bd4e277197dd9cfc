using System.CommandLine;
using CondDistill.Data;
using CondDistill.Experiments;
using CondDistill.Runtime;
using CondDistill.Training;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill pretrain</c>: unconditional pretraining of the UNet teacher.</summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var configFile = new Option<string?>("--config") { Description = "Pretraining config JSON (snake_case fields of PretrainConfig); flags below override it." };
        var output = new Option<string>("--out") { Description = "Run folder.", DefaultValueFactory = _ => Path.Combine("runs", "pretrain") };
        var resume = new Option<string>("--resume")
        {
            Description = "'latest' resumes from the run folder's checkpoint when present; 'none' starts over.",
            DefaultValueFactory = _ => "latest",
        };
        resume.AcceptOnlyFromAmong("latest", "none");
        var steps = new Option<long?>("--max-train-steps") { Description = "Total steps of the run." };
        var decay = new Option<long?>("--learning-rate-decay-steps")
        {
            Description = "Decay the learning rate linearly to 0 (or --learning-rate-end) over the last N steps before the hold (0 = constant after warm-up); may be set on resume if no step already taken changes its rate.",
        };
        var decayEnd = new Option<double?>("--learning-rate-end") { Description = "Rate the decay ends at (default 0); may be set on resume like the decay." };
        var hold = new Option<long?>("--learning-rate-hold-steps") { Description = "Steps at the end of the run held at --learning-rate-end after the decay (default 0)." };
        var batch = new Option<int?>("--train-batch-size") { Description = "Images per step." };
        var trainImages = new Option<int?>("--train-images") { Description = "Use the first N training images (default all 60,000)." };
        var stopAfter = new Option<long?>("--stop-after") { Description = "Stop with a checkpoint after this many steps in this call (time-boxed sessions)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed." };
        var plan = new Option<bool>("--plan") { Description = "Print the run's plan (steps, learning-rate schedule, how far back the EMA reaches at the last step) and exit without training or reading data." };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dataDir = CommonOptions.DataDir();

        var command = new Command("pretrain", "Train the unconditional UNet teacher on the Fashion-MNIST training split (resumable; SIGTERM or Ctrl-C finishes the current step and writes a checkpoint before exiting).")
        {
            configFile, output, resume, steps, decay, decayEnd, hold, batch, trainImages, stopAfter, seed, plan, device, threads, dataDir,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string? path = parse.GetValue(configFile);
            var config = path is null ? new PretrainConfig() : PretrainConfig.FromJson(File.ReadAllText(path), path);
            config = config with
            {
                MaxTrainSteps = parse.GetValue(steps) ?? config.MaxTrainSteps,
                LearningRateDecaySteps = parse.GetValue(decay) ?? config.LearningRateDecaySteps,
                LearningRateEnd = parse.GetValue(decayEnd) ?? config.LearningRateEnd,
                LearningRateHoldSteps = parse.GetValue(hold) ?? config.LearningRateHoldSteps,
                TrainBatchSize = parse.GetValue(batch) ?? config.TrainBatchSize,
                TrainImages = parse.GetValue(trainImages) ?? config.TrainImages,
                Seed = parse.GetValue(seed) ?? config.Seed,
            };
            config.Validate();
            var run = new RunFolder(Path.GetFullPath(parse.GetValue(output)!));
            Console.WriteLine($"pretrain: {config.MaxTrainSteps} steps, batch {config.TrainBatchSize}, {config.TrainImages} images, seed {config.Seed}, run folder {run.Root}");
            Console.WriteLine($"pretrain: {config.DescribeSchedule()}");
            Console.WriteLine($"pretrain: {config.DescribeEma()}");
            Console.WriteLine($"pretrain: convolutions: {OneDnn.Status}");
            if (parse.GetValue(plan)) return 0;
            var trainer = new Pretrainer(config, run, ComputeDevice.Resolve(parse.GetValue(device)))
            {
                OnProgress = p => Console.WriteLine(p.Format()),
                OnNote = note => Console.WriteLine($"  {note}"),
            };
            using var stop = new StopOnSignal("pretrain");
            long reached = trainer.Run(FashionMnist.Open(parse.GetValue(dataDir)), parse.GetValue(resume) == "latest", parse.GetValue(stopAfter), stop.Token);
            Console.WriteLine($"pretrain: stopped at step {reached} of {config.MaxTrainSteps}");
            return 0;
        });
        return command;
    }
}
