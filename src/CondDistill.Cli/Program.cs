using System.CommandLine;
using CondDistill.Cli.Commands;
using CondDistill.Runtime;

LibraryInitialization.EnsureInitialized(); // before any TorchSharp call: OpenMP wait policy, natives

var root = new RootCommand("condistill: conditional diffusion distillation (CoDi) workbench on Fashion-MNIST.");
root.Subcommands.Add(DataCommands.Create());
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(PretrainCommand.Create());
root.Subcommands.Add(TrainExtractorCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(EvaluateSnapshotsCommand.Create());
root.Subcommands.Add(AverageSnapshotsCommand.Create());
root.Subcommands.Add(RunStatusCommand.Create());
root.Subcommands.Add(CheckpointCommands.Create());
root.Subcommands.Add(ProbeDenoisingCommand.Create());
root.Subcommands.Add(CalibrateFdCommand.Create());
root.Subcommands.Add(SamplerErrorCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ReproduceCommand.Create());
root.Subcommands.Add(NotebookCommand.Create());

try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or FormatException or InvalidDataException
    or CondDistill.Checkpoints.CheckpointException)
{
    // Expected user-facing failures (bad option values, bad or damaged files): the message says what and how to fix it.
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
