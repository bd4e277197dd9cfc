using CondDistill.Experiments;
using CondDistill.Notebooks;

namespace CondDistill.Tests.Notebooks;

public sealed class NotebookModelsTests
{
    [Fact]
    public void Teacher_file_is_the_shipped_teacher() =>
        Assert.Equal(ShippedCheckpoints.TeacherFile, NotebookModels.RequireTeacherFile(name => name == ShippedCheckpoints.TeacherFile));

    [Fact]
    public void Missing_teacher_says_how_to_get_one()
    {
        var error = Assert.Throws<FileNotFoundException>(() => NotebookModels.RequireTeacherFile(_ => false));
        Assert.Contains(ShippedCheckpoints.TeacherFile, error.Message);
        Assert.Contains("condistill pretrain", error.Message);
        Assert.Contains(ShippedCheckpoints.FolderVariable, error.Message);
    }

    [Fact]
    public void Teacher_description_names_the_steps_and_the_file()
    {
        Assert.Equal("teacher: shipped EMA weights after 20,000 pretraining steps (t.safetensors)", NotebookTeacher.Describe(20_000, "t.safetensors"));
        Assert.Equal("teacher: shipped EMA weights (t.safetensors)", NotebookTeacher.Describe(null, "t.safetensors"));
    }

    [Theory]
    [InlineData("sr4", "paper-defaults", ShippedCheckpoints.CoDiSr4File)]
    [InlineData(" SR4 ", "pe-codi", ShippedCheckpoints.PeCoDiSr4File)]
    [InlineData("inpaint", "paper-defaults", null)]
    [InlineData("sr4", "without-guidance", null)]
    public void Only_sr4_codi_and_pe_codi_have_shipped_files(string task, string preset, string? expected) =>
        Assert.Equal(expected, NotebookModels.ShippedDistilledFile(task, preset));

    [Fact]
    public void Method_labels_follow_the_tables() =>
        Assert.Equal(("CoDi", "PE-CoDi", "CoDi (ddim-next-point)"),
            (NotebookModels.MethodLabel("paper-defaults"), NotebookModels.MethodLabel("pe-codi"), NotebookModels.MethodLabel("ddim-next-point")));

    [Fact]
    public void Short_run_config_sizes_warm_up_logging_and_checkpoints_from_the_steps()
    {
        var quick = NotebookModels.ShortRunConfig("sr4", "paper-defaults", 150, 32, 60_000, "teacher.safetensors", "/tmp/run");
        Assert.Equal((150L, 32, 15L, 7L, 150L, 0L, true, 0.999), (quick.MaxTrainSteps, quick.TrainBatchSize, quick.LearningRateWarmupSteps,
            quick.LoggingSteps, quick.CheckpointingSteps, quick.ValidationSteps, quick.EmaWarmUp!.Value, quick.EmaDecay!.Value));
        var smoke = NotebookModels.ShortRunConfig("edges", "pe-codi", 3, 4, 64, "teacher.safetensors", "/tmp/run");
        Assert.Equal((0L, 1L, "pe-codi", "edges"), (smoke.LearningRateWarmupSteps, smoke.LoggingSteps, smoke.CodiPreset, smoke.Task));
        Assert.Equal(10L, NotebookModels.ShortRunConfig("sr4", "paper-defaults", 20_000, 32, 60_000, "t", "/tmp/run").LoggingSteps);
        Assert.Equal(100L, NotebookModels.ShortRunConfig("sr4", "paper-defaults", 20_000, 32, 60_000, "t", "/tmp/run").LearningRateWarmupSteps);
    }
}
