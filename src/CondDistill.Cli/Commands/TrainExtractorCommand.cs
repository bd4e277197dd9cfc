using System.CommandLine;
using System.Globalization;
using CondDistill.Data;
using CondDistill.Evaluation;
using CondDistill.Runtime;
using TorchSharp;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill train-extractor</c>: the Fashion-MNIST classifier whose features define FD-FMNIST and KID-FMNIST.</summary>
internal static class TrainExtractorCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out")
        {
            Description = "Output weights.",
            DefaultValueFactory = _ => Path.Combine("data", "checkpoints", "fmnist-extractor.safetensors"),
        };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs over the 60,000 training images.", DefaultValueFactory = _ => 4 };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("train-extractor", "Train the evaluation classifier on Fashion-MNIST labels; report test accuracy and the weights' hash.")
        {
            output, epochs, seed, device, threads, dataDir,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var data = FashionMnist.Open(parse.GetValue(dataDir));
            var options = new ExtractorTrainingOptions(Epochs: parse.GetValue(epochs), Seed: parse.GetValue(seed));
            using var train = data.Load(DatasetSplit.Train);
            using var test = data.Load(DatasetSplit.Test);
            using var extractor = new FeatureExtractor(new FeatureExtractorConfig(), options.Seed);
            extractor.to(torchDevice);
            var result = ExtractorTrainer.Train(extractor, train.Images, train.Labels, options,
                p => Console.WriteLine(FormattableString.Invariant($"epoch {p.Epoch} step {p.Step}/{p.TotalSteps} loss={p.Loss:F4} train_acc={p.Accuracy:P1}")));
            double accuracy = ExtractorTrainer.Accuracy(extractor, test.Images, test.Labels);
            string path = Path.GetFullPath(parse.GetValue(output)!);
            string hash = FeatureExtractorFile.Save(extractor, path, new Dictionary<string, string>
            {
                ["test_accuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture),
                ["epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture),
                ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
                ["wall_seconds"] = result.WallTime.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
                ["git_commit"] = GitInfo.BuildCommit(),
                ["command"] = "condistill " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            });
            Console.WriteLine(FormattableString.Invariant(
                $"train-extractor: test accuracy {accuracy:P2} on 10,000 test images after {options.Epochs} epochs ({result.WallTime.TotalMinutes:F1} min); sha256 {hash}; wrote {path}"));
            return 0;
        });
        return command;
    }
}
