using System.CommandLine;
using CondDistill.Checkpoints;
using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Experiments;
using CondDistill.Runtime;
using CondDistill.Training;
using TorchSharp;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill train</c>: train any method from a JSON config (or from flags), resumably.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var configFile = new Option<string?>("--config") { Description = "Experiment config JSON (snake_case fields of ExperimentConfig). Flags below override it." };
        var method = new Option<string?>("--method") { Description = $"Method: {string.Join(", ", MethodCatalog.Names)}." };
        var preset = new Option<string?>("--codi-preset") { Description = $"For codi: {string.Join(", ", CondDistill.Training.CoDi.CoDiOptions.Presets.Keys)}." };
        var task = new Option<string?>("--task") { Description = "Condition task: sr4, sr2, inpaint, edges." };
        var steps = new Option<long?>("--max-train-steps") { Description = "Total steps." };
        var batch = new Option<int?>("--train-batch-size") { Description = "Pairs per step." };
        var teacherOption = new Option<string?>("--teacher") { Description = "Pretrained unconditional teacher (default: the shipped one)." };
        var conditionalTeacher = new Option<string?>("--conditional-teacher") { Description = "For cm-ii, cm-ii-frozen, gd-ii: a fine-tuning run's ema.safetensors." };
        var output = new Option<string?>("--out") { Description = "Run folder (default runs/{method}-{task})." };
        var writeConfig = new Option<string?>("--write-config") { Description = "Only write the resolved config to this file and exit." };
        var stopAfter = new Option<long?>("--stop-after") { Description = "Stop with a checkpoint after this many steps in this call." };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var dataDir = CommonOptions.DataDir();
        var command = new Command("train", "Train CoDi, an ablation or a baseline from the shipped teacher; resumable, with metrics, checkpoints and validation grids (SIGTERM or Ctrl-C finishes the current step and writes a checkpoint before exiting).")
        {
            configFile, method, preset, task, steps, batch, teacherOption, conditionalTeacher, output, writeConfig, stopAfter, device, threads, dataDir,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string? path = parse.GetValue(configFile);
            var config = path is null ? new ExperimentConfig() : ExperimentConfig.Load(path);
            config = config with
            {
                Method = parse.GetValue(method) ?? config.Method,
                CodiPreset = parse.GetValue(preset) ?? config.CodiPreset,
                Task = parse.GetValue(task) ?? config.Task,
                MaxTrainSteps = parse.GetValue(steps) ?? config.MaxTrainSteps,
                TrainBatchSize = parse.GetValue(batch) ?? config.TrainBatchSize,
                Teacher = parse.GetValue(teacherOption) ?? config.Teacher,
                ConditionalTeacher = parse.GetValue(conditionalTeacher) ?? config.ConditionalTeacher,
                OutputDir = parse.GetValue(output) ?? config.OutputDir,
            };
            config.Validate();
            if (parse.GetValue(writeConfig) is string target)
            {
                AtomicFile.WriteAllText(target, config.ToJson());
                Console.WriteLine($"wrote {Path.GetFullPath(target)}");
                return 0;
            }

            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var run = new RunFolder(Path.GetFullPath(config.ResolvedOutputDir));
            var conditionTask = ConditionTasks.Create(config.Task);
            var schedule = NoiseSchedule.Cosine();
            string teacherPath = config.Teacher ?? ShippedCheckpoints.PathOf(ShippedCheckpoints.TeacherFile);
            using var teacher = ModelCheckpoint.LoadUNet(teacherPath);
            teacher.to(torchDevice);
            using var trainingMethod = MethodCatalog.Create(config, teacher, conditionTask.ConditionChannels, schedule);
            config.EnsureResumableIn(run);
            run.Create();
            AtomicFile.WriteAllText(run.ConfigPath, config.ToJson());
            Console.WriteLine($"train: {trainingMethod.Name} on {config.Task}, {config.MaxTrainSteps} steps of batch {config.TrainBatchSize}, " +
                $"{trainingMethod.TrainableParameters.Sum(p => p.Parameter.numel()):N0} trainable parameters, run folder {run.Root}");
            Console.WriteLine($"train: convolutions: {OneDnn.Status}");
            var trainer = new MethodTrainer(trainingMethod, conditionTask, schedule, config.ToSettings(), run, torchDevice)
            {
                OnProgress = p => Console.WriteLine(p.Format()),
                OnNote = note => Console.WriteLine($"  {note}"),
                CheckpointMetadata = new Dictionary<string, string> { ["experiment_config"] = config.ToJson(), ["teacher"] = teacherPath },
            };
            using var stop = new StopOnSignal("train");
            long reached = trainer.Run(FashionMnist.Open(parse.GetValue(dataDir)), config.ResumeFromCheckpoint == "latest", parse.GetValue(stopAfter), stop.Token);
            Console.WriteLine($"train: stopped at step {reached} of {config.MaxTrainSteps}");
            return 0;
        });
        return command;
    }
}
