using System.CommandLine;
using System.Diagnostics;
using CondDistill.Data;
using CondDistill.Experiments;
using CondDistill.Runtime;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill reproduce</c>: train the compared methods with one budget, evaluate them and write the table.</summary>
internal static class ReproduceCommand
{
    public static Command Create()
    {
        var task = new Argument<string>("task") { Description = $"Condition task: {string.Join(", ", ConditionTasks.Names)}." };
        var profile = new Option<string>("--profile") { Description = "smoke (seconds, CI), quick (<= 20 min on 2 cores: ControlNet vs CoDi), full (every baseline and ablation).", DefaultValueFactory = _ => "quick" };
        var output = new Option<string?>("--out") { Description = "Reproduction folder (default runs/reproduce-{task}-{profile}); resumable." };
        var teacherOption = new Option<string?>("--teacher") { Description = "Pretrained unconditional teacher (default: the shipped one)." };
        var extractorOption = new Option<string?>("--extractor") { Description = "FD-FMNIST feature extractor (default: the shipped one)." };
        var onlyRuns = new Option<string?>("--only-runs")
        {
            Description = "Comma-separated run keys to train (with their budget curve) without evaluating rows or writing the table; " +
                "separate processes can train disjoint runs of one folder at once, and a later call without this option evaluates and writes the table.",
        };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("reproduce", "Train the fine-tuned baselines and CoDi (and, in the full profile, every ablation) from the same teacher for the same steps, evaluate them on a fixed test subset, and write table.md, table.json and samples.png.")
        {
            task, profile, output, teacherOption, extractorOption, onlyRuns, device, threads, dataDir,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string taskName = parse.GetValue(task)!;
            if (!ConditionTasks.Names.Contains(taskName))
                throw new ArgumentException($"Task '{taskName}' is not known; allowed values: {string.Join(", ", ConditionTasks.Names)}.");
            var chosen = ReproductionProfile.Get(parse.GetValue(profile)!);
            string folder = parse.GetValue(output) ?? Path.Combine("runs", $"reproduce-{taskName}-{chosen.Name}");
            var runner = new ReproductionRunner(chosen, taskName, folder,
                parse.GetValue(teacherOption) ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.TeacherFile),
                parse.GetValue(extractorOption) ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile),
                FashionMnist.Open(parse.GetValue(dataDir)), ComputeDevice.Resolve(parse.GetValue(device)))
            {
                OnNote = Console.WriteLine,
                OnProgress = (run, p) => Console.WriteLine($"  {run} {p.Format()}"),
            };
            Console.WriteLine($"reproduce {taskName}, profile {chosen.Name}: {chosen.Runs.Count} runs of {chosen.TrainSteps} steps x batch {chosen.TrainBatchSize}, " +
                $"{chosen.Rows.Count} rows on {chosen.EvalImages} test images, folder {runner.Root}");
            var clock = Stopwatch.StartNew();
            if (parse.GetValue(onlyRuns) is string keys)
            {
                runner.Train(keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                Console.WriteLine($"reproduce: trained in {clock.Elapsed.TotalMinutes:F1} min; no table written (--only-runs)");
                return 0;
            }
            var table = runner.Run();
            Console.WriteLine();
            Console.WriteLine(File.ReadAllText(runner.MarkdownPath));
            Console.WriteLine($"reproduce: done in {clock.Elapsed.TotalMinutes:F1} min ({table.Rows.Count} rows); wrote {runner.MarkdownPath}");
            return 0;
        });
        return command;
    }
}
