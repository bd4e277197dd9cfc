using CondDistill.Checkpoints;
using CondDistill.Experiments;
using CondDistill.Models;
using TorchSharp;

namespace CondDistill.Tests.Cli;

/// <summary><c>condistill train</c> end to end on a tiny teacher: a fine-tuning run, then CM-II distilling it.</summary>
public sealed class TrainCliTests
{
    [Fact]
    public void TrainRunsFromAConfigAndTwoStageMethodsDistilTheFineTunedRun()
    {
        string folder = Directory.CreateTempSubdirectory("train-cli").FullName;
        try
        {
            string teacher = Path.Combine(folder, "teacher.safetensors");
            using (var unet = new UNet(UNetConfig.Tiny, new torch.Generator(1))) ModelCheckpoint.Save(teacher, unet);
            var config = new ExperimentConfig
            {
                Method = "finetune-controlnet", Teacher = teacher, MaxTrainSteps = 2, TrainBatchSize = 4, TrainImages = 16,
                ValidationSteps = 0, ValidationImages = 2, LoggingSteps = 1, OutputDir = Path.Combine(folder, "finetune"),
            };
            string configPath = Path.Combine(folder, "finetune.json");
            File.WriteAllText(configPath, config.ToJson());

            var (code, output, error) = CliProcess.Run("train", "--config", configPath);
            Assert.True(code == 0, error + output);
            string fineTuned = Path.Combine(folder, "finetune", "ema.safetensors");
            Assert.Equal(ModelDescription.ControlledUNetKind, ModelCheckpoint.ReadDescription(fineTuned).Kind);

            (code, output, error) = CliProcess.Run("train", "--config", configPath, "--method", "cm-ii", "--conditional-teacher", fineTuned,
                "--out", Path.Combine(folder, "cm"));
            Assert.True(code == 0, error + output);
            Assert.Contains("cm-ii", output);
            Assert.True(File.Exists(Path.Combine(folder, "cm", "ema.safetensors")));

            // Resuming a finished run with another config is refused, naming the config file.
            (code, _, error) = CliProcess.Run("train", "--config", configPath, "--method", "finetune-concat", "--out", Path.Combine(folder, "finetune"));
            Assert.Equal(2, code);
            Assert.Contains(Path.Combine(folder, "finetune", "config.json"), error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
