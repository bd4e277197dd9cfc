using System.CommandLine;
using CondDistill.Data;
using CondDistill.Reporting;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill data ...</c>: look at the dataset and the condition tasks.</summary>
internal static class DataCommands
{
    public static Command Create()
    {
        var task = new Option<string>("--task")
        {
            Description = $"Condition task: {string.Join(", ", ConditionTasks.Names)}.",
            DefaultValueFactory = _ => "sr4",
        };
        var count = new Option<int>("--count") { Description = "Number of images (columns).", DefaultValueFactory = _ => 8 };
        var start = new Option<int>("--start") { Description = "First dataset index.", DefaultValueFactory = _ => 0 };
        var split = new Option<DatasetSplit>("--split") { Description = "Train or Test.", DefaultValueFactory = _ => DatasetSplit.Test };
        var output = new Option<string>("--out") { Description = "Output PNG.", DefaultValueFactory = _ => "preview.png" };
        var seed = CommonOptions.Seed();
        var dataDir = CommonOptions.DataDir();

        var preview = new Command("preview", "Write a PNG grid of images and the condition a task computes from each.")
        {
            task, count, start, split, output, seed, dataDir,
        };
        preview.SetAction(parse =>
        {
            var conditionTask = ConditionTasks.Create(parse.GetValue(task)!);
            var data = FashionMnist.Open(parse.GetValue(dataDir));
            string path = Path.GetFullPath(parse.GetValue(output)!);
            ConditionPreview.Save(data, conditionTask, parse.GetValue(split), parse.GetValue(start), parse.GetValue(count), parse.GetValue(seed), path);
            Console.WriteLine($"wrote {path} ({conditionTask.Name}: {conditionTask.Description})");
            return 0;
        });

        return new Command("data", "Dataset and condition tasks.") { preview };
    }
}
